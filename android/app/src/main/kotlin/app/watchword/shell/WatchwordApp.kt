package app.watchword.shell

import android.app.Application
import android.content.Context
import app.watchword.core.BiometricGate
import app.watchword.core.KeyProvider
import app.watchword.core.LogLevel
import app.watchword.core.PushClient
import app.watchword.core.Vault
import app.watchword.core.setLogger
import java.io.File

/**
 * The process: holds the one open [Vault] (data key wrapped by the Android
 * Keystore) and its [PushClient], and wires the platform pieces into the
 * core (log, biometric gate, push token) once.
 *
 * Open for one reason: the Robolectric tests (android/robolectric) run the
 * real screens, receivers and poll job on the JVM, where neither the
 * AndroidKeyStore nor a biometric sensor exists; their application
 * subclass replaces [keyProvider] and [biometricGate], and nothing else.
 */
open class WatchwordApp : Application() {
    /** The activity on screen, for biometric prompts. */
    val foreground = ForegroundActivity()

    /** When the app lock must be passed again (the screens cover themselves until then). */
    val appLock = AppLock()

    private val lock = Any()
    private var vault: Vault? = null
    private var push: PushClient? = null

    override fun onCreate() {
        super.onCreate()
        registerActivityLifecycleCallbacks(foreground)
        registerActivityLifecycleCallbacks(appLock)
        setLogger(AndroidLogger(), LogLevel.INFO)
        Notifications.createChannel(this)
        PollJob.schedule(this)
    }

    /**
     * The vault, opened on first use (created on the very first run).
     * Throws the core's `ApiException` (e.g. `WrongKey` after the
     * Keystore key was lost) for the screen to show; nothing is created
     * over an existing file.
     */
    fun vault(): Vault = synchronized(lock) {
        vault ?: openVault().also { vault = it }
    }

    /** The push client over [vault], made on first use. */
    fun push(): PushClient = synchronized(lock) {
        push ?: PushClient(vault(), UnifiedPushRegistration(this), PlatformHttp()).also {
            it.setListener(ChallengeNotifier(this))
            push = it
        }
    }

    private fun openVault(): Vault {
        // No-backup storage: the Keystore key never leaves this device, so a
        // restored copy elsewhere could not be opened anyway.
        val file = File(noBackupFilesDir, VAULT_FILE)
        val keys = keyProvider()
        val opened = if (file.exists()) Vault.open(file.path, keys) else Vault.create(file.path, keys)
        opened.setBiometricGate(biometricGate())
        // On a phone the prompt is required: should the gate ever be
        // missing, the core refuses approvals and secrets instead of
        // letting them through.
        opened.setPresenceRequired(true)
        return opened
    }

    /** What wraps the vault's data key: a key in the Android Keystore. */
    protected open fun keyProvider(): KeyProvider = KeystoreKeyProvider(requireUserAuthentication = false)

    /** What the core asks before approvals and secrets: the framework biometric prompt on the activity on screen. */
    protected open fun biometricGate(): BiometricGate = BiometricPromptGate(foreground)

    companion object {
        private const val VAULT_FILE = "vault.db"

        /** The application object behind any context of this app. */
        fun of(context: Context): WatchwordApp = context.applicationContext as WatchwordApp
    }
}
