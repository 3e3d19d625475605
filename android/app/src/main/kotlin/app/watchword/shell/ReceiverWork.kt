package app.watchword.shell

import android.content.BroadcastReceiver
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.SupervisorJob
import kotlinx.coroutines.launch
import kotlinx.coroutines.withTimeoutOrNull

/**
 * Runs a receiver's core call (suspend, network) off the main thread with
 * `goAsync`, finishing the broadcast when it is done or after
 * [RECEIVER_BUDGET_MS], inside the time Android gives a receiver.
 */
fun BroadcastReceiver.runAsync(block: suspend () -> Unit) {
    val pending = goAsync()
    CoroutineScope(SupervisorJob() + Dispatchers.IO).launch {
        try {
            withTimeoutOrNull(RECEIVER_BUDGET_MS) { block() }
        } finally {
            pending.finish()
        }
    }
}

/** How long a receiver's work may take before the broadcast is finished anyway. */
const val RECEIVER_BUDGET_MS = 9_000L
