package app.watchword.shell

import android.app.Activity
import android.app.Application
import android.os.Bundle

/**
 * When the optional app lock must be passed again: after the app left the
 * screen (no activity started any more), until the core says it is
 * unlocked. Whether the lock is on, and the biometric check it asks, are
 * the core's (`Vault.appLock`, `Vault.unlockApp`); [ScopedActivity] covers
 * its screen until then. A rotation (an activity stopped to be re-made)
 * is not leaving.
 */
class AppLock : Application.ActivityLifecycleCallbacks {
    private var started = 0

    /** Whether the core's check passed since the app came to the front. */
    @Volatile
    var unlocked = false
        private set

    /** The core's `unlockApp` returned: the screens may show the vault. */
    fun passed() {
        unlocked = true
    }

    override fun onActivityStarted(activity: Activity) {
        started++
    }

    override fun onActivityStopped(activity: Activity) {
        started--
        if (started <= 0 && !activity.isChangingConfigurations) unlocked = false
    }

    override fun onActivityCreated(activity: Activity, savedInstanceState: Bundle?) = Unit

    override fun onActivityResumed(activity: Activity) = Unit

    override fun onActivityPaused(activity: Activity) = Unit

    override fun onActivitySaveInstanceState(activity: Activity, outState: Bundle) = Unit

    override fun onActivityDestroyed(activity: Activity) = Unit
}
