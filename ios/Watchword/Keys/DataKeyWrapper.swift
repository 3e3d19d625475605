import Foundation

/// One way of sealing the vault's 32-byte data key with a key that never
/// leaves this device. `KeychainKeyProvider` picks one per device.
protocol DataKeyWrapper: Sendable {
    /// Seals `dataKey`; the result is stored in the vault file.
    func wrap(_ dataKey: Data) throws -> Data
    /// Opens what `wrap` produced. Throws `ShellError.WrongKey` when this
    /// device's key cannot open it, `ShellError.Unavailable` when the key
    /// cannot be used right now (device locked).
    func unwrap(_ wrapped: Data) throws -> Data
}
