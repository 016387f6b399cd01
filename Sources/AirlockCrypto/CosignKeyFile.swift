import Foundation

/// A cosign encrypted private key file (`cosign.key`, FORMATS.md §1.1): a PEM block whose
/// body is a `PasswordEnvelope` sealing a DER PKCS#8 private key.
public struct CosignKeyFile: Sendable, Equatable {
    /// The two PEM labels cosign reads; airlock writes `sigstore`.
    public enum Label: String, Sendable, CaseIterable {
        case sigstore = "ENCRYPTED SIGSTORE PRIVATE KEY"
        case cosign = "ENCRYPTED COSIGN PRIVATE KEY"
    }

    public let label: Label
    public let envelope: PasswordEnvelope

    public init(label: Label, envelope: PasswordEnvelope) {
        self.label = label
        self.envelope = envelope
    }

    /// Parses the first PEM block of `pem` and validates its envelope (no password needed,
    /// no scrypt run): a malformed or hostile file is refused before anyone is asked for a password.
    public init(pem: String) throws {
        let block = try PEMBlock.first(in: pem)
        guard let label = Label(rawValue: block.label) else {
            throw CryptoError("PEM block \"\(block.label.prefix(60))\" is not a cosign encrypted private key "
                + "(expected \(Label.sigstore.rawValue); plain keys must go through import-key-pair)")
        }
        self.init(label: label, envelope: try PasswordEnvelope(json: block.der))
    }

    /// Encrypts `key` (as PKCS#8) under `password`; what `generate-key-pair` and `import-key-pair` write.
    public init(encrypting key: PrivateKey, password: SecureBytes,
                scrypt: ScryptParameters = .standard, label: Label = .sigstore) throws {
        let plaintext = try key.pkcs8DER()
        self.init(label: label, envelope: try PasswordEnvelope(sealing: plaintext, password: password, scrypt: scrypt))
    }

    /// Runs scrypt once, opens the box and loads the PKCS#8 key inside, which must be of a
    /// type cosign accepts (`KeyAlgorithm.checkCosignKeyType`).
    public func decrypt(password: SecureBytes) throws -> PrivateKey {
        let plaintext = try envelope.open(password: password)
        let parsed: EVPKey
        do {
            parsed = try EVPKey.parsePKCS8(plaintext)
        } catch {
            throw CryptoError("the key file decrypted, but the key inside is not DER PKCS#8 "
                + "(cosign rejects such files too; re-import the key with import-key-pair)")
        }
        let key = try PrivateKey(key: parsed)
        try key.algorithm.checkCosignKeyType()
        return key
    }

    /// The armoured file: 64-character lines and a trailing newline, as Go's `pem.Encode`.
    public var pem: String { PEMBlock(label: label.rawValue, der: envelope.json).text }
}
