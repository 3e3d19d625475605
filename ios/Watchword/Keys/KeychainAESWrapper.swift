import CryptoKit
import Foundation
import Security
import WatchwordCore

/// Where there is no Secure Enclave (simulators): wraps the data key with
/// AES-256-GCM (CryptoKit) under a random key stored as a generic-password
/// Keychain item, `kSecAttrAccessibleWhenUnlockedThisDeviceOnly` (usable
/// only while unlocked, never in backups, never on another device).
struct KeychainAESWrapper: DataKeyWrapper {
    /// The Keychain item's service.
    static let service = "app.watchword.vault-key"
    /// The Keychain item's account.
    static let account = "aes-gcm-wrapping-key"

    /// The keychain access group shared with the extension (nil: default).
    let accessGroup: String?

    func wrap(_ dataKey: Data) throws -> Data {
        let key = try storedKey() ?? createKey()
        let box: AES.GCM.SealedBox
        do {
            box = try AES.GCM.seal(dataKey, using: key)
        } catch {
            throw ShellError.Unavailable(reason: "AES-GCM could not seal the vault key")
        }
        // The default 12-byte nonce always gives the combined form.
        guard let combined = box.combined else {
            throw ShellError.Unavailable(reason: "AES-GCM gave no combined box")
        }
        return combined
    }

    func unwrap(_ wrapped: Data) throws -> Data {
        guard let key = try storedKey() else { throw ShellError.WrongKey }
        do {
            return try AES.GCM.open(AES.GCM.SealedBox(combined: wrapped), using: key)
        } catch {
            // Sealed under another key, or altered.
            throw ShellError.WrongKey
        }
    }

    private func itemQuery() -> [String: Any] {
        var query: [String: Any] = [
            kSecClass as String: kSecClassGenericPassword,
            kSecAttrService as String: Self.service,
            kSecAttrAccount as String: Self.account,
        ]
        if let accessGroup = accessGroup {
            query[kSecAttrAccessGroup as String] = accessGroup
        }
        return query
    }

    private func storedKey() throws -> SymmetricKey? {
        var query = itemQuery()
        query[kSecReturnData as String] = true
        query[kSecMatchLimit as String] = kSecMatchLimitOne
        var item: CFTypeRef?
        let status = SecItemCopyMatching(query as CFDictionary, &item)
        switch status {
        case errSecSuccess:
            guard let bytes = item as? Data, bytes.count == 32 else {
                throw ShellError.Unavailable(reason: "the wrapping key item is damaged")
            }
            return SymmetricKey(data: bytes)
        case errSecItemNotFound:
            return nil
        default:
            throw KeychainFailure.error(status, "reading the wrapping key")
        }
    }

    private func createKey() throws -> SymmetricKey {
        let key = SymmetricKey(size: .bits256)
        var item = itemQuery()
        item[kSecAttrAccessible as String] = kSecAttrAccessibleWhenUnlockedThisDeviceOnly
        item[kSecValueData as String] = key.withUnsafeBytes { Data($0) }
        let status = SecItemAdd(item as CFDictionary, nil)
        guard status == errSecSuccess else {
            throw KeychainFailure.error(status, "storing the wrapping key")
        }
        return key
    }
}
