import Foundation
import Security
import WatchwordCore

/// Wraps the data key with ECIES (`eciesEncryptionCofactorVariableIVX963SHA256AESGCM`)
/// to a P-256 key generated inside the Secure Enclave. The private key
/// never leaves the enclave and is usable only while the device is unlocked
/// (`kSecAttrAccessibleWhenUnlockedThisDeviceOnly`); it is not in backups
/// and does not migrate to another phone.
struct SecureEnclaveWrapper: DataKeyWrapper {
    /// The key's application tag.
    static let tag = Data("app.watchword.vault-key.enclave".utf8)
    /// ECIES with the enclave's P-256 key, AES-GCM for the payload.
    private static let algorithm: SecKeyAlgorithm = .eciesEncryptionCofactorVariableIVX963SHA256AESGCM

    /// The keychain access group shared with the extension (nil: default).
    let accessGroup: String?

    func wrap(_ dataKey: Data) throws -> Data {
        let privateKey = try storedKey() ?? createKey()
        guard let publicKey = SecKeyCopyPublicKey(privateKey) else {
            throw ShellError.Unavailable(reason: "the enclave key has no public key")
        }
        var error: Unmanaged<CFError>?
        guard
            let sealed = SecKeyCreateEncryptedData(
                publicKey, Self.algorithm, dataKey as CFData, &error)
        else {
            throw KeychainFailure.error(error, "wrapping the vault key")
        }
        return sealed as Data
    }

    func unwrap(_ wrapped: Data) throws -> Data {
        // No key here: it was deleted, or this vault came from another device.
        guard let privateKey = try storedKey() else { throw ShellError.WrongKey }
        var error: Unmanaged<CFError>?
        guard
            let dataKey = SecKeyCreateDecryptedData(
                privateKey, Self.algorithm, wrapped as CFData, &error)
        else {
            if KeychainFailure.isLocked(error?.takeRetainedValue()) {
                throw ShellError.Unavailable(reason: "unwrapping the vault key: the device is locked")
            }
            // The key is here but does not open this blob.
            throw ShellError.WrongKey
        }
        return dataKey as Data
    }

    private func storedKey() throws -> SecKey? {
        var query: [String: Any] = [
            kSecClass as String: kSecClassKey,
            kSecAttrApplicationTag as String: Self.tag,
            kSecAttrKeyType as String: kSecAttrKeyTypeECSECPrimeRandom,
            kSecReturnRef as String: true,
        ]
        if let accessGroup = accessGroup {
            query[kSecAttrAccessGroup as String] = accessGroup
        }
        var item: CFTypeRef?
        let status = SecItemCopyMatching(query as CFDictionary, &item)
        switch status {
        case errSecSuccess:
            guard let item = item, CFGetTypeID(item) == SecKeyGetTypeID() else {
                throw ShellError.Unavailable(reason: "the enclave key item is not a key")
            }
            return (item as! SecKey)
        case errSecItemNotFound:
            return nil
        default:
            throw KeychainFailure.error(status, "reading the enclave key")
        }
    }

    private func createKey() throws -> SecKey {
        var error: Unmanaged<CFError>?
        guard
            let access = SecAccessControlCreateWithFlags(
                nil, kSecAttrAccessibleWhenUnlockedThisDeviceOnly, .privateKeyUsage, &error)
        else {
            throw KeychainFailure.error(error, "creating the enclave key's access control")
        }
        var attributes: [String: Any] = [
            kSecAttrKeyType as String: kSecAttrKeyTypeECSECPrimeRandom,
            kSecAttrKeySizeInBits as String: 256,
            kSecAttrTokenID as String: kSecAttrTokenIDSecureEnclave,
            kSecPrivateKeyAttrs as String: [
                kSecAttrIsPermanent as String: true,
                kSecAttrApplicationTag as String: Self.tag,
                kSecAttrAccessControl as String: access,
            ] as [String: Any],
        ]
        if let accessGroup = accessGroup {
            attributes[kSecAttrAccessGroup as String] = accessGroup
        }
        guard let key = SecKeyCreateRandomKey(attributes as CFDictionary, &error) else {
            throw KeychainFailure.error(error, "creating the enclave key")
        }
        return key
    }
}
