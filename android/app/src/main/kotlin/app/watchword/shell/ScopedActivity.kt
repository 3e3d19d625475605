package app.watchword.shell

import android.app.Activity
import android.os.Bundle
import android.view.Gravity
import android.view.View
import android.view.ViewGroup
import android.view.WindowManager
import android.widget.LinearLayout
import android.widget.TextView
import android.widget.Toast
import kotlinx.coroutines.Job
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.MainScope
import kotlinx.coroutines.cancel
import kotlinx.coroutines.launch
import kotlinx.coroutines.withContext

/**
 * Base of the screens: a main-thread [CoroutineScope] cancelled in
 * `onDestroy` (AndroidX's `lifecycleScope`, by hand), core calls run on
 * `Dispatchers.IO` (never the main thread: the biometric gate waits for
 * the prompt's answer there), and the error message for the user (in
 * their language, from the core's error kind: [Texts.describe]).
 *
 * Every screen shows codes, secrets or sign-in details, so every screen is
 * `FLAG_SECURE`: no screenshots, no screen recording, and a blank
 * thumbnail in the app switcher. With the app lock on, each screen is
 * covered when the app comes back to the front until the core's
 * `unlockApp` passes ([AppLock]).
 */
abstract class ScopedActivity : Activity() {
    /** Coroutines of this screen; cancelled with it. */
    protected val scope: CoroutineScope = MainScope()

    /** The app's vault and push client. */
    protected val app: WatchwordApp get() = WatchwordApp.of(this)

    private var cover: LinearLayout? = null
    private var coverMessage: TextView? = null
    private var unlocking: Job? = null

    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        window.setFlags(WindowManager.LayoutParams.FLAG_SECURE, WindowManager.LayoutParams.FLAG_SECURE)
    }

    override fun onResume() {
        super.onResume()
        if (!app.appLock.unlocked) coverUntilUnlocked()
    }

    /**
     * Covers the screen (over whatever the subclass set as content) and
     * asks the core to unlock: with the lock off that returns at once and
     * the cover goes; with it on the biometric prompt shows, and a no
     * leaves the cover with an Unlock button to ask again.
     */
    private fun coverUntilUnlocked() {
        val shown = cover ?: Ui.column(this).apply {
            setBackgroundColor(Ui.backgroundColor(this@ScopedActivity))
            // The cover takes every touch: nothing under it can be pressed.
            isClickable = true
            gravity = Gravity.CENTER
            addView(Ui.text(this@ScopedActivity, getString(R.string.app_locked), 20f))
            coverMessage = Ui.text(this@ScopedActivity).also { it.accessibilityLiveRegion = View.ACCESSIBILITY_LIVE_REGION_POLITE }
            addView(coverMessage)
            addView(Ui.button(this@ScopedActivity, getString(R.string.app_unlock)) { unlock() })
        }.also {
            cover = it
            addContentView(it, ViewGroup.LayoutParams(ViewGroup.LayoutParams.MATCH_PARENT, ViewGroup.LayoutParams.MATCH_PARENT))
        }
        shown.visibility = View.VISIBLE
        shown.bringToFront()
        unlock()
    }

    private fun unlock() {
        if (unlocking?.isActive == true) return
        unlocking = scope.launch {
            try {
                core { app.vault().unlockApp() }
                app.appLock.passed()
                cover?.visibility = View.GONE
            } catch (e: Exception) {
                coverMessage?.text = describe(e)
            }
        }
    }

    override fun onDestroy() {
        scope.cancel()
        super.onDestroy()
    }

    /** Runs a core call off the main thread. */
    protected suspend fun <T> core(block: suspend () -> T): T = withContext(Dispatchers.IO) { block() }

    /** The message of [error]'s kind in the user's language (the core's English goes to the log). */
    protected fun describe(error: Exception): String = Texts.describe(this, error)

    /** A short message. */
    protected fun toast(message: String) {
        Toast.makeText(this, message, Toast.LENGTH_LONG).show()
    }
}
