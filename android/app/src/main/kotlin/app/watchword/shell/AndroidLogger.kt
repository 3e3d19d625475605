package app.watchword.shell

import android.util.Log
import app.watchword.core.LogLevel
import app.watchword.core.LogRecord
import app.watchword.core.Logger

/**
 * Forwards the core's log records (already redacted by the core) to
 * logcat under the tag `watchword`; the shell adds nothing to them.
 */
class AndroidLogger : Logger {
    override fun log(record: LogRecord) {
        val priority = when (record.level) {
            LogLevel.TRACE -> Log.VERBOSE
            LogLevel.DEBUG -> Log.DEBUG
            LogLevel.INFO -> Log.INFO
            LogLevel.WARN -> Log.WARN
            LogLevel.ERROR -> Log.ERROR
        }
        Log.println(priority, TAG, "${record.target}: ${record.message}")
    }

    private companion object {
        const val TAG = "watchword"
    }
}
