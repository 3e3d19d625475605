import CryptoKit
import Foundation
import WatchwordCore

/// The core's `KeyProvider` on iOS. The vault's data key is wrapped by a
/// P-256 key inside the Secure Enclave where the device has one (ECIES,
/// `SecureEnclaveWrapper`), else by an AES-256 key kept as a this-device-only
/// Keychain item (`KeychainAESWrapper`, simulators). Either key lives in the
/// keychain access group the Notification Service Extension shares, so it
/// can open the same vault.
final class KeychainKeyProvider: KeyProvider {
    private let wrapper: any DataKeyWrapper

    /// Chooses the wrapper for this device. The choice is stable per device,
    /// and a vault's wrapped key only ever opens on the device that made it
    /// (both keys are ThisDeviceOnly), so the blob needs no marker.
    init(accessGroup: String? = SharedContainer.keychainGroup) {
        if SecureEnclave.isAvailable {
            wrapper = SecureEnclaveWrapper(accessGroup: accessGroup)
        } else {
            wrapper = KeychainAESWrapper(accessGroup: accessGroup)
        }
    }

    func wrap(dataKey: Data) throws -> Data {
        try wrapper.wrap(dataKey)
    }

    func unwrap(wrapped: Data) throws -> Data {
        try wrapper.unwrap(wrapped)
    }
}
