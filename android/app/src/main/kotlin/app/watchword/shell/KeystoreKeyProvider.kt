package app.watchword.shell

import android.os.Build
import android.security.keystore.KeyGenParameterSpec
import android.security.keystore.KeyPermanentlyInvalidatedException
import android.security.keystore.KeyProperties
import android.security.keystore.StrongBoxUnavailableException
import android.security.keystore.UserNotAuthenticatedException
import app.watchword.core.KeyProvider
import app.watchword.core.ShellException
import java.security.GeneralSecurityException
import java.security.KeyStore
import javax.crypto.AEADBadTagException
import javax.crypto.Cipher
import javax.crypto.KeyGenerator
import javax.crypto.SecretKey
import javax.crypto.spec.GCMParameterSpec

/**
 * The core's [KeyProvider]: wraps the vault's data key with an AES-256 key
 * that never leaves the Android Keystore (AES/GCM/NoPadding, StrongBox when
 * the device has one). The wrapped form is the 12-byte IV the Keystore
 * chose followed by the ciphertext and its 16-byte tag.
 *
 * [requireUserAuthentication] makes the key usable only for
 * [authValiditySeconds] after a biometric or device-credential check. The
 * app leaves it off by default: a push arriving while the phone is locked
 * must still open the vault to fetch the request, and approvals are gated
 * by the core's `BiometricGate` instead.
 */
class KeystoreKeyProvider(
    private val requireUserAuthentication: Boolean,
    private val alias: String = DEFAULT_ALIAS,
    private val authValiditySeconds: Int = DEFAULT_AUTH_SECONDS,
) : KeyProvider {

    override fun wrap(dataKey: ByteArray): ByteArray = keystoreCall {
        val cipher = Cipher.getInstance(TRANSFORMATION)
        cipher.init(Cipher.ENCRYPT_MODE, existingKey() ?: createKey())
        // The Keystore insists on choosing the IV itself (randomized encryption).
        val iv = cipher.iv
        check(iv.size == IV_BYTES) { "unexpected GCM IV length ${iv.size}" }
        iv + cipher.doFinal(dataKey)
    }

    override fun unwrap(wrapped: ByteArray): ByteArray = keystoreCall {
        // No key (app data cleared, Keystore reset) or a truncated blob: this
        // data key cannot come back, which the core reports as WrongKey.
        val key = existingKey() ?: throw ShellException.WrongKey()
        if (wrapped.size < IV_BYTES + TAG_BITS / 8) throw ShellException.WrongKey()
        val cipher = Cipher.getInstance(TRANSFORMATION)
        cipher.init(Cipher.DECRYPT_MODE, key, GCMParameterSpec(TAG_BITS, wrapped, 0, IV_BYTES))
        cipher.doFinal(wrapped, IV_BYTES, wrapped.size - IV_BYTES)
    }

    /** Runs a Keystore operation, turning platform failures into the core's `ShellException`s (class names only, never key material). */
    private inline fun keystoreCall(block: () -> ByteArray): ByteArray = try {
        block()
    } catch (e: ShellException) {
        throw e
    } catch (e: AEADBadTagException) {
        throw ShellException.WrongKey()
    } catch (e: KeyPermanentlyInvalidatedException) {
        // Enrolled biometrics changed on an auth-bound key: the key is gone for good.
        throw ShellException.WrongKey()
    } catch (e: UserNotAuthenticatedException) {
        throw ShellException.Unavailable("the Keystore key needs a recent biometric or device-credential check")
    } catch (e: GeneralSecurityException) {
        throw ShellException.Unavailable("Android Keystore: ${e.javaClass.simpleName}")
    } catch (e: IllegalStateException) {
        throw ShellException.Unavailable("Android Keystore: ${e.javaClass.simpleName}")
    }

    private fun existingKey(): SecretKey? {
        val store = KeyStore.getInstance(ANDROID_KEYSTORE).apply { load(null) }
        return store.getKey(alias, null) as? SecretKey
    }

    private fun createKey(): SecretKey = synchronized(KeystoreKeyProvider::class.java) {
        existingKey()?.let { return it }
        try {
            generate(strongBox = true)
        } catch (e: StrongBoxUnavailableException) {
            generate(strongBox = false)
        }
    }

    private fun generate(strongBox: Boolean): SecretKey {
        val spec = KeyGenParameterSpec.Builder(alias, KeyProperties.PURPOSE_ENCRYPT or KeyProperties.PURPOSE_DECRYPT)
            .setBlockModes(KeyProperties.BLOCK_MODE_GCM)
            .setEncryptionPaddings(KeyProperties.ENCRYPTION_PADDING_NONE)
            .setKeySize(KEY_BITS)
            .setRandomizedEncryptionRequired(true)
            .setIsStrongBoxBacked(strongBox)
            .apply { if (requireUserAuthentication) requireAuthentication(this) }
            .build()
        val generator = KeyGenerator.getInstance(KeyProperties.KEY_ALGORITHM_AES, ANDROID_KEYSTORE)
        generator.init(spec)
        return generator.generateKey()
    }

    private fun requireAuthentication(builder: KeyGenParameterSpec.Builder) {
        builder.setUserAuthenticationRequired(true)
        if (Build.VERSION.SDK_INT >= Build.VERSION_CODES.R) {
            builder.setUserAuthenticationParameters(
                authValiditySeconds,
                KeyProperties.AUTH_BIOMETRIC_STRONG or KeyProperties.AUTH_DEVICE_CREDENTIAL,
            )
        } else {
            legacyAuthenticationWindow(builder)
        }
    }

    // API 28/29 only; its replacement (setUserAuthenticationParameters) is API 30.
    @Suppress("DEPRECATION")
    private fun legacyAuthenticationWindow(builder: KeyGenParameterSpec.Builder) {
        builder.setUserAuthenticationValidityDurationSeconds(authValiditySeconds)
    }

    private companion object {
        const val ANDROID_KEYSTORE = "AndroidKeyStore"
        const val DEFAULT_ALIAS = "watchword.vault.data-key-wrapper"
        const val DEFAULT_AUTH_SECONDS = 30
        const val TRANSFORMATION = "AES/GCM/NoPadding"
        const val KEY_BITS = 256
        const val IV_BYTES = 12
        const val TAG_BITS = 128
    }
}
