package app.watchword.shell

import app.watchword.core.HttpException
import app.watchword.core.HttpHeader
import app.watchword.core.HttpMethod
import app.watchword.core.HttpRequest
import app.watchword.core.HttpResponse
import app.watchword.core.HttpTransport
import java.io.ByteArrayOutputStream
import java.io.IOException
import java.io.InputStream
import java.net.ConnectException
import java.net.HttpURLConnection
import java.net.MalformedURLException
import java.net.SocketTimeoutException
import java.net.URL
import java.net.UnknownHostException
import javax.net.ssl.SSLException
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.runInterruptible

/**
 * Carries the core's requests (built, signed and checked by the core) over
 * the platform's HTTP stack, `HttpURLConnection`. So certificates are
 * checked against the system trust store (plus whatever a network security
 * config adds, e.g. an employer's CA), and the system proxy and VPN apply;
 * the core library carries no TLS stack of its own. (OkHttp from Google's
 * Maven would be the usual choice; the framework class suffices.)
 *
 * Runs on [Dispatchers.IO], interruptibly, so `PushClient.cancelAll` or a
 * cancelled coroutine stops a request stuck on a dead network. Never logs
 * the body: it may hold an activation code.
 */
class PlatformHttp : HttpTransport {
    override suspend fun send(request: HttpRequest): HttpResponse = runInterruptible(Dispatchers.IO) {
        val connection = try {
            URL(request.url).openConnection() as HttpURLConnection
        } catch (e: MalformedURLException) {
            throw HttpException.Failed(e.toString())
        }
        try {
            val timeout = request.timeoutMs.coerceAtMost(Int.MAX_VALUE.toULong()).toInt()
            connection.connectTimeout = timeout
            connection.readTimeout = timeout
            connection.instanceFollowRedirects = true
            connection.useCaches = false
            connection.requestMethod = request.method.name
            request.headers.forEach { connection.setRequestProperty(it.name, it.value) }
            if (request.method == HttpMethod.POST) {
                connection.doOutput = true
                connection.setFixedLengthStreamingMode(request.body.size)
                connection.outputStream.use { it.write(request.body) }
            }
            val status = connection.responseCode
            val body = when {
                request.method == HttpMethod.HEAD -> ByteArray(0)
                status >= 400 -> connection.errorStream?.use { it.readAtMost(MAX_BODY_BYTES) } ?: ByteArray(0)
                else -> connection.inputStream.use { it.readAtMost(MAX_BODY_BYTES) }
            }
            // The status line comes back under a null name; it is not a header.
            val headers = connection.headerFields.entries
                .filter { it.key != null }
                .flatMap { (name, values) -> values.map { HttpHeader(name, it) } }
            HttpResponse(status.toUShort(), headers, body)
        } catch (e: SocketTimeoutException) {
            throw HttpException.Timeout()
        } catch (e: UnknownHostException) {
            throw HttpException.Connect(e.toString())
        } catch (e: ConnectException) {
            throw HttpException.Connect(e.toString())
        } catch (e: SSLException) {
            throw HttpException.Connect(e.toString())
        } catch (e: IOException) {
            throw HttpException.Failed(e.toString())
        } finally {
            connection.disconnect()
        }
    }

    private companion object {
        /** The core refuses larger replies (`MAX_RESPONSE_BYTES`); stop reading there. */
        const val MAX_BODY_BYTES = 1 shl 20

        /** Reads to the end, or throws once more than [limit] bytes arrived. */
        fun InputStream.readAtMost(limit: Int): ByteArray {
            val out = ByteArrayOutputStream()
            val buffer = ByteArray(8192)
            while (true) {
                val n = read(buffer)
                if (n < 0) return out.toByteArray()
                out.write(buffer, 0, n)
                if (out.size() > limit) throw HttpException.Failed("the reply is larger than $limit bytes")
            }
        }
    }
}
