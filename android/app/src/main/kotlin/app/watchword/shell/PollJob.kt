package app.watchword.shell

import android.app.job.JobInfo
import android.app.job.JobParameters
import android.app.job.JobScheduler
import android.app.job.JobService
import android.content.ComponentName
import android.content.Context
import android.util.Log
import app.watchword.core.ApiException
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.SupervisorJob
import kotlinx.coroutines.cancel
import kotlinx.coroutines.launch

/**
 * The poll for when pushes do not arrive (no distributor, a missed
 * message): a framework [JobService] run by [JobScheduler] every 15
 * minutes with network, plus a one-off run after a failed push. It asks
 * the core for `PushClient.pending()` and notifies each open request
 * (WorkManager's `PeriodicWorkRequest` would be the AndroidX choice).
 */
class PollJob : JobService() {
    private var scope: CoroutineScope? = null

    override fun onStartJob(params: JobParameters): Boolean {
        val jobScope = CoroutineScope(SupervisorJob() + Dispatchers.IO).also { scope = it }
        jobScope.launch {
            var retry = false
            try {
                for (challenge in WatchwordApp.of(this@PollJob).push().pending()) {
                    Notifications.showChallenge(this@PollJob, challenge)
                }
            } catch (e: ApiException.Network) {
                retry = true
            } catch (e: Exception) {
                Log.w(TAG, "poll failed: ${e.javaClass.simpleName}")
            } finally {
                jobFinished(params, retry)
            }
        }
        return true
    }

    override fun onStopJob(params: JobParameters): Boolean {
        scope?.cancel()
        return true
    }

    companion object {
        private const val TAG = "watchword"
        private const val PERIODIC_ID = 1
        private const val ONE_OFF_ID = 2
        private const val PERIOD_MS = 15 * 60 * 1000L

        /** Schedules the periodic poll unless it already is (keeps its timing across app starts). */
        fun schedule(context: Context) {
            val scheduler = context.getSystemService(JobScheduler::class.java) ?: return
            if (scheduler.getPendingJob(PERIODIC_ID) != null) return
            scheduler.schedule(
                JobInfo.Builder(PERIODIC_ID, ComponentName(context, PollJob::class.java))
                    .setPeriodic(PERIOD_MS)
                    .setRequiredNetworkType(JobInfo.NETWORK_TYPE_ANY)
                    .setPersisted(true)
                    .build(),
            )
        }

        /** One poll as soon as there is network (after a push that could not be fetched). */
        fun runSoon(context: Context) {
            val scheduler = context.getSystemService(JobScheduler::class.java) ?: return
            scheduler.schedule(
                JobInfo.Builder(ONE_OFF_ID, ComponentName(context, PollJob::class.java))
                    .setRequiredNetworkType(JobInfo.NETWORK_TYPE_ANY)
                    .build(),
            )
        }
    }
}
