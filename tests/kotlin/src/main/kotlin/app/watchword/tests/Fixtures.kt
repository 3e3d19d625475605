// What both the JVM Kotlin tests (this folder) and the Android shell's
// Robolectric tests (android/robolectric, which compiles this one file in)
// need: the reference server on loopback as a subprocess, with its admin
// commands; a software key wrapper in the Keystore's place; a biometric
// gate that answers without a person; a Web Push endpoint such as a
// UnifiedPush distributor runs. Only the bindings, coroutines and the JDK
// here, so it compiles in both.
package app.watchword.tests

import app.watchword.core.BiometricGate
import app.watchword.core.KeyProvider
import app.watchword.core.PresenceAction
import app.watchword.core.ShellException
import kotlinx.coroutines.delay
import java.net.ServerSocket
import java.nio.file.Files
import java.security.SecureRandom
import java.util.concurrent.TimeUnit
import javax.crypto.AEADBadTagException
import javax.crypto.Cipher
import javax.crypto.spec.GCMParameterSpec
import javax.crypto.spec.SecretKeySpec

/** `watchword-server serve` on a free loopback port, over a fresh database; [admin] runs its other commands on it. */
class Server(
    private val bin: String,
    val db: String = Files.createTempDirectory("ww-server").resolve("server.db").toString(),
    val port: Int = ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress()).use { it.localPort },
    extra: List<String> = emptyList(),
) : AutoCloseable {
    private val proc: Process = ProcessBuilder(listOf(bin, "serve", "--db", db, "--listen", "127.0.0.1:$port") + extra)
        .redirectErrorStream(true).start()

    init {
        val out = proc.inputStream.bufferedReader()
        val line = out.readLine() ?: error("server exited")
        check(line.contains("listening on")) { "server said: $line" }
        Thread { out.forEachLine { } }.apply { isDaemon = true }.start()
    }

    fun admin(vararg args: String): String {
        val p = ProcessBuilder(bin, *args).redirectError(ProcessBuilder.Redirect.INHERIT).start()
        val out = p.inputStream.bufferedReader().readText()
        check(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0) { "${args.toList()} failed: $out" }
        return out
    }

    override fun close() {
        proc.destroy()
        proc.waitFor(10, TimeUnit.SECONDS)
    }
}

fun jsonField(json: String, name: String): String =
    Regex("\"$name\":(\"([^\"]*)\"|([0-9-]+))").find(json)?.let { it.groupValues[2].ifEmpty { it.groupValues[3] } }
        ?: error("no $name in $json")

/** Wraps the data key with AES-GCM under [kek], like a Keystore key. */
class AesKeyProvider(private val kek: ByteArray) : KeyProvider {
    var calls = 0
    override fun wrap(dataKey: ByteArray): ByteArray {
        calls++
        val iv = ByteArray(12).also { SecureRandom().nextBytes(it) }
        val c = Cipher.getInstance("AES/GCM/NoPadding")
        c.init(Cipher.ENCRYPT_MODE, SecretKeySpec(kek, "AES"), GCMParameterSpec(128, iv))
        return iv + c.doFinal(dataKey)
    }

    override fun unwrap(wrapped: ByteArray): ByteArray {
        calls++
        if (wrapped.size < 28) throw ShellException.Unavailable("short blob")
        val c = Cipher.getInstance("AES/GCM/NoPadding")
        c.init(Cipher.DECRYPT_MODE, SecretKeySpec(kek, "AES"), GCMParameterSpec(128, wrapped, 0, 12))
        try {
            return c.doFinal(wrapped, 12, wrapped.size - 12)
        } catch (e: AEADBadTagException) {
            throw ShellException.WrongKey()
        }
    }
}

/** A biometric prompt: suspends for [delayMs] (the user looking at the
 *  sensor), then answers; blocks no thread meanwhile. */
class Gate(var answer: Boolean, private val delayMs: Long = 150) : BiometricGate {
    val reasons = java.util.concurrent.CopyOnWriteArrayList<String>()
    val actions = java.util.concurrent.CopyOnWriteArrayList<PresenceAction>()
    override suspend fun confirm(action: PresenceAction, reason: String): Boolean {
        delay(delayMs)
        reasons += reason
        actions += action
        return answer
    }
}

/** A Web Push endpoint on loopback, as a UnifiedPush distributor runs one: takes the bodies, answers 201. */
class WebPushEndpoint : AutoCloseable {
    val bodies = java.util.concurrent.LinkedBlockingQueue<ByteArray>()
    private val server = com.sun.net.httpserver.HttpServer.create(java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0).apply {
        createContext("/push") { exchange ->
            val ok = exchange.requestHeaders.getFirst("Content-Encoding") == "aes128gcm" && exchange.requestHeaders.getFirst("TTL") != null
            if (ok) bodies += exchange.requestBody.readBytes()
            exchange.sendResponseHeaders(if (ok) 201 else 400, -1)
            exchange.close()
        }
        start()
    }
    val url = "http://127.0.0.1:${server.address.port}/push"
    override fun close() = server.stop(0)
}
