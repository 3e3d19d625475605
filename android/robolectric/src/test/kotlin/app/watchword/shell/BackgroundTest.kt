// The shell's background parts against a loopback watchword-server: the
// poll job (scheduled by the app, fetching open requests and notifying
// them) and the notification's Deny receiver.
package app.watchword.shell

import android.Manifest
import android.app.Notification
import android.app.NotificationManager
import android.app.job.JobParameters
import android.app.job.JobScheduler
import android.os.Bundle
import android.os.PersistableBundle
import app.watchword.core.EnrolChoices
import app.watchword.core.EnrolInput
import app.watchword.tests.Server
import app.watchword.tests.jsonField
import kotlinx.coroutines.runBlocking
import org.junit.After
import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertTrue
import org.junit.Before
import org.junit.Test
import org.junit.runner.RunWith
import org.robolectric.Robolectric
import org.robolectric.RobolectricTestRunner
import org.robolectric.Shadows.shadowOf

@RunWith(RobolectricTestRunner::class)
class BackgroundTest {
    private lateinit var server: Server

    @Before
    fun startServer() {
        server = loopbackServer()
        val link = jsonField(server.admin("enrol", "--db", server.db, "--user", "alice", "--json"), "link")
        runBlocking { testApp().push().enrol(EnrolInput.Scanned(link), EnrolChoices(), "robolectric") }
    }

    @After
    fun stopServer() {
        if (::server.isInitialized) server.close()
    }

    private fun raise(app: String): String =
        jsonField(server.admin("challenge", "--db", server.db, "--user", "alice", "--app", app, "--location", "Utrecht, NL", "--json"), "id")

    /** The job's parameters as JobScheduler would hand them (the constructor is hidden; Android 15's signature). */
    private fun params(id: Int) = JobParameters(
        null, "", id, PersistableBundle(), Bundle(), null, 0, false, false, false, null, null, null,
    )

    @Test
    fun thePollJobIsScheduledAndNotifiesTheOpenRequests() {
        val app = testApp()
        val scheduled = requireNotNull(app.getSystemService(JobScheduler::class.java)).allPendingJobs.single()
        assertEquals("the app scheduled PollJob", PollJob::class.java.name, scheduled.service.className)
        assertTrue("periodic", scheduled.isPeriodic)
        assertEquals(15 * 60 * 1000L, scheduled.intervalMillis)

        val notifications = shadowOf(app.getSystemService(NotificationManager::class.java))
        shadowOf(app).grantPermissions(Manifest.permission.POST_NOTIFICATIONS)
        val id = raise("Polled")
        val job = Robolectric.setupService(PollJob::class.java)
        assertTrue("runs in the background", job.onStartJob(params(1)))
        eventually("the job to finish") { true.takeIf { shadowOf(job).isJobFinished } }
        assertFalse("fetched: no retry", shadowOf(job).isRescheduleNeeded)

        val shown = notifications.allNotifications.single()
        assertEquals(text(R.string.approval_title), shown.extras.getString(Notification.EXTRA_TITLE))
        assertEquals(text(R.string.notification_from, "Polled", "Utrecht, NL"), shown.extras.getCharSequence(Notification.EXTRA_TEXT).toString())
        assertEquals(
            "its Approve, Deny and Report fraud",
            listOf(text(R.string.approve), text(R.string.deny), text(R.string.report_fraud)),
            shown.actions.map { it.title.toString() },
        )
        // Approve opens the approval screen (the number and the biometric
        // check there), never a broadcast that answers by itself.
        assertTrue("Approve opens a screen", shown.actions[0].actionIntent.isActivity)
        assertEquals(ApprovalActivity::class.java.name, shadowOf(shown.actions[0].actionIntent).savedIntent.component?.className)
        assertTrue("Deny and Report are broadcasts", shown.actions.drop(1).all { it.actionIntent.isBroadcast })
        assertEquals("polling answers nothing", "pending", server.status(id))
    }

    @Test
    fun withoutTheNotificationPermissionThePollShowsNothing() {
        val app = testApp()
        shadowOf(app).denyPermissions(Manifest.permission.POST_NOTIFICATIONS)
        raise("Not shown")
        val job = Robolectric.setupService(PollJob::class.java)
        job.onStartJob(params(1))
        eventually("the job to finish") { true.takeIf { shadowOf(job).isJobFinished } }
        assertEquals(0, shadowOf(app.getSystemService(NotificationManager::class.java)).allNotifications.size)
    }

    @Test
    fun theNotificationsDenyReachesTheServer() {
        val id = raise("Denied from the notification")
        testApp().sendBroadcast(DenyReceiver.intent(testApp(), id))
        eventually("the server to record the denial") { server.status(id).takeIf { it != "pending" } }
        assertEquals("denied", server.status(id))
    }

    @Test
    fun theNotificationsReportFraudReachesTheServer() {
        val id = raise("Reported from the notification")
        testApp().sendBroadcast(DenyReceiver.intent(testApp(), id, fraud = true))
        eventually("the server to record the report") { server.status(id).takeIf { it != "pending" } }
        assertEquals("fraud", server.status(id))
    }
}
