// UnifiedPush end to end: the app registers with a distributor (a fake one
// installed in Robolectric's package manager), takes the endpoint from its
// NEW_ENDPOINT broadcast, and a Web Push message the loopback server sent
// there, delivered as the distributor would (a MESSAGE broadcast), becomes
// the "Approve sign-in?" notification, after the core decrypted it and
// fetched the request. Broadcasts without this install's token are ignored.
package app.watchword.shell

import android.Manifest
import android.app.Notification
import android.app.NotificationManager
import android.content.ComponentName
import android.content.Intent
import android.content.IntentFilter
import android.content.pm.ApplicationInfo
import android.content.pm.PackageInfo
import app.watchword.core.EnrolChoices
import app.watchword.core.EnrolInput
import app.watchword.tests.WebPushEndpoint
import app.watchword.tests.jsonField
import kotlinx.coroutines.runBlocking
import org.junit.Assert.assertEquals
import org.junit.Assert.assertTrue
import org.junit.Test
import org.junit.runner.RunWith
import org.robolectric.Robolectric
import org.robolectric.RobolectricTestRunner
import org.robolectric.Shadows.shadowOf
import java.util.concurrent.TimeUnit

@RunWith(RobolectricTestRunner::class)
class PushReceiverTest {
    private val distributor = ComponentName("org.example.distributor", "org.example.distributor.RegisterReceiver")

    /** A UnifiedPush distributor app on the "phone": a receiver of REGISTER in another package. */
    private fun installDistributor() {
        val packages = shadowOf(testApp().packageManager)
        packages.installPackage(
            PackageInfo().apply {
                packageName = distributor.packageName
                applicationInfo = ApplicationInfo().apply { packageName = distributor.packageName }
            },
        )
        packages.addReceiverIfNotPresent(distributor)
        packages.addIntentFilterForReceiver(distributor, IntentFilter("org.unifiedpush.android.distributor.REGISTER"))
    }

    /** What the distributor sends this app (explicitly to its package, as UnifiedPush does). */
    private fun fromDistributor(action: String, token: String, vararg extras: Pair<String, Any>): Intent =
        Intent(action).setPackage(testApp().packageName).putExtra(UnifiedPushRegistration.EXTRA_TOKEN, token).apply {
            for ((key, value) in extras) {
                when (value) {
                    is String -> putExtra(key, value)
                    is ByteArray -> putExtra(key, value)
                    else -> error("extra $key")
                }
            }
        }

    @Test
    fun aWebPushMessageFromTheDistributorBecomesTheNotification() {
        val app = testApp()
        installDistributor()
        shadowOf(app).grantPermissions(Manifest.permission.POST_NOTIFICATIONS)
        val notifications = shadowOf(app.getSystemService(NotificationManager::class.java))
        loopbackServer(listOf("--web-push-allow-loopback")).use { server ->
            WebPushEndpoint().use { endpoint ->
                // The launcher screen registers with the distributor it finds.
                Robolectric.buildActivity(AccountsActivity::class.java).setup()
                val register = shadowOf(app).broadcastIntents.single { it.action == "org.unifiedpush.android.distributor.REGISTER" }
                assertEquals(distributor.packageName, register.`package`)
                val token = requireNotNull(register.getStringExtra(UnifiedPushRegistration.EXTRA_TOKEN)) { "no connector token" }

                // The distributor's endpoint, first from a stranger (ignored), then for our token (kept).
                app.sendBroadcast(fromDistributor(UnifiedPushRegistration.ACTION_NEW_ENDPOINT, "not-ours", UnifiedPushRegistration.EXTRA_ENDPOINT to "http://127.0.0.1:9/elsewhere"))
                eventually("the stranger's broadcast delivered") { true }
                assertEquals(null, UnifiedPushRegistration(app).token())
                app.sendBroadcast(fromDistributor(UnifiedPushRegistration.ACTION_NEW_ENDPOINT, token, UnifiedPushRegistration.EXTRA_ENDPOINT to endpoint.url))
                eventually("the endpoint kept") { UnifiedPushRegistration(app).token() }

                // Activation sends that endpoint (and the core's Web Push keys) to the server.
                val link = jsonField(server.admin("enrol", "--db", server.db, "--user", "alice", "--json"), "link")
                runBlocking { app.push().enrol(EnrolInput.Scanned(link), EnrolChoices(), "robolectric") }
                val raised = server.admin("challenge", "--db", server.db, "--user", "alice", "--app", "Pushed", "--location", "Utrecht, NL", "--json", "--web-push-allow-loopback")
                val body = endpoint.bodies.poll(20, TimeUnit.SECONDS) ?: error("the server sent no Web Push message")

                // The same bytes with a stranger's token, or forged: nothing shown.
                app.sendBroadcast(fromDistributor(UnifiedPushRegistration.ACTION_MESSAGE, "not-ours", UnifiedPushRegistration.EXTRA_BYTES_MESSAGE to body))
                val forged = body.copyOf().also { it[it.size - 1] = (it[it.size - 1].toInt() xor 1).toByte() }
                app.sendBroadcast(fromDistributor(UnifiedPushRegistration.ACTION_MESSAGE, token, UnifiedPushRegistration.EXTRA_BYTES_MESSAGE to forged, UnifiedPushRegistration.EXTRA_ID to "m0"))
                val acked = { id: String ->
                    shadowOf(app).broadcastIntents.any { it.action == "org.unifiedpush.android.distributor.MESSAGE_ACK" && it.getStringExtra(UnifiedPushRegistration.EXTRA_ID) == id }
                }
                eventually("the forged message handled (acknowledged)") { true.takeIf { acked("m0") } }
                Thread.sleep(1_000)
                eventually("the receivers done") { true }
                assertEquals("nothing shown for a stranger's or a forged message", 0, notifications.allNotifications.size)

                // The real message with our token: decrypted, fetched, notified.
                app.sendBroadcast(fromDistributor(UnifiedPushRegistration.ACTION_MESSAGE, token, UnifiedPushRegistration.EXTRA_BYTES_MESSAGE to body, UnifiedPushRegistration.EXTRA_ID to "m1"))
                val shown = eventually("the notification") { notifications.allNotifications.singleOrNull() }
                assertTrue("acknowledged to the distributor", acked("m1"))
                assertEquals(text(R.string.approval_title), shown.extras.getString(Notification.EXTRA_TITLE))
                assertEquals(text(R.string.notification_from, "Pushed", "Utrecht, NL"), shown.extras.getCharSequence(Notification.EXTRA_TEXT).toString())
                assertEquals("pending", server.status(jsonField(raised, "id")))
            }
        }
    }
}
