// Wraps a shell's HttpTransport and keeps every request the core asked it
// to send, so a test can check what went out (method, URL, headers,
// timeout) while the real transport carries it.
package app.watchword.tests

import app.watchword.core.HttpRequest
import app.watchword.core.HttpResponse
import app.watchword.core.HttpTransport
import java.util.concurrent.CopyOnWriteArrayList

class RecordingHttp(private val inner: HttpTransport) : HttpTransport {
    /** Every request sent, in order. */
    val sent = CopyOnWriteArrayList<HttpRequest>()

    override suspend fun send(request: HttpRequest): HttpResponse {
        sent += request
        return inner.send(request)
    }
}
