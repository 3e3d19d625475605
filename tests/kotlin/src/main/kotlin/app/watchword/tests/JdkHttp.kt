// The HttpTransport a shell implements, here with the JDK's own client
// (java.net.http), as the Android shell does with HttpURLConnection and the
// iOS shell with URLSession: the core builds and signs the requests, the
// platform stack only carries them.
package app.watchword.tests

import app.watchword.core.HttpException
import app.watchword.core.HttpHeader
import app.watchword.core.HttpMethod
import app.watchword.core.HttpRequest
import app.watchword.core.HttpResponse
import app.watchword.core.HttpTransport
import java.net.URI
import java.net.http.HttpClient
import java.net.http.HttpTimeoutException
import java.time.Duration
import java.util.concurrent.CopyOnWriteArrayList
import kotlinx.coroutines.future.await

class JdkHttp : HttpTransport {
    /** Method and URL of every request sent, for tests that check them. */
    val sent = CopyOnWriteArrayList<HttpRequest>()

    private val client = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .followRedirects(HttpClient.Redirect.NORMAL)
        .connectTimeout(Duration.ofSeconds(5))
        .build()

    override suspend fun send(request: HttpRequest): HttpResponse {
        sent += request
        val body = if (request.method == HttpMethod.POST) {
            java.net.http.HttpRequest.BodyPublishers.ofByteArray(request.body)
        } else {
            java.net.http.HttpRequest.BodyPublishers.noBody()
        }
        val builder = java.net.http.HttpRequest.newBuilder(URI(request.url))
            .timeout(Duration.ofMillis(request.timeoutMs.toLong()))
            .method(request.method.name, body)
        request.headers.forEach { builder.header(it.name, it.value) }
        val response = try {
            client.sendAsync(builder.build(), java.net.http.HttpResponse.BodyHandlers.ofByteArray()).await()
        } catch (e: HttpTimeoutException) {
            throw HttpException.Timeout()
        } catch (e: java.net.ConnectException) {
            throw HttpException.Connect(e.toString())
        } catch (e: java.io.IOException) {
            throw HttpException.Failed(e.toString())
        }
        val headers = response.headers().map().flatMap { (name, values) -> values.map { HttpHeader(name, it) } }
        return HttpResponse(response.statusCode().toUShort(), headers, response.body())
    }
}
