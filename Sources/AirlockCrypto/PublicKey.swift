import COpenSSL
import CSodium
import Foundation

/// A public key (ECDSA, RSA or Ed25519) that verifies signatures.
public final class PublicKey: @unchecked Sendable, Equatable, CustomStringConvertible {
    let key: EVPKey
    /// DER SubjectPublicKeyInfo.
    public let derSPKI: Data
    public let algorithm: KeyAlgorithm

    init(key: EVPKey) throws {
        self.key = key
        self.derSPKI = try key.publicKeyDER()
        self.algorithm = try key.algorithm()
    }

    /// Parses DER SubjectPublicKeyInfo.
    public convenience init(derSPKI: Data) throws {
        let parsed: OpaquePointer? = derSPKI.withUnsafeBytes { raw in
            var cursor = raw.bindMemory(to: UInt8.self).baseAddress.map { UnsafePointer($0) }
            return d2i_PUBKEY(nil, &cursor, raw.count)
        }
        guard let parsed else { throw CryptoError.openSSL("not a DER SubjectPublicKeyInfo public key") }
        try self.init(key: EVPKey(parsed))
    }

    /// Parses DER PKCS#1 `RSAPublicKey`.
    public convenience init(derPKCS1RSA der: Data) throws {
        let parsed: OpaquePointer? = der.withUnsafeBytes { raw in
            var cursor = raw.bindMemory(to: UInt8.self).baseAddress.map { UnsafePointer($0) }
            return d2i_PublicKey(EVP_PKEY_RSA, nil, &cursor, raw.count)
        }
        guard let parsed else { throw CryptoError.openSSL("not a DER PKCS#1 RSA public key") }
        try self.init(key: EVPKey(parsed))
    }

    /// Parses the first PEM block of `pem`: `PUBLIC KEY` (PKIX) or `RSA PUBLIC KEY` (PKCS#1).
    public convenience init(pem: String) throws {
        let block = try PEMBlock.first(in: pem)
        switch block.label {
        case "PUBLIC KEY": try self.init(derSPKI: block.der)
        case "RSA PUBLIC KEY": try self.init(derPKCS1RSA: block.der)
        default: throw CryptoError("PEM block \"\(block.label)\" is not a public key (expected PUBLIC KEY)")
        }
    }

    /// `PUBLIC KEY` PEM, as cosign writes `cosign.pub`.
    public var pem: String { PEMBlock(label: "PUBLIC KEY", der: derSPKI).text }

    /// SHA-256 of the DER SubjectPublicKeyInfo: the Rekor/CT log ID of a log key.
    public var spkiSHA256: Data { Digest.of(derSPKI).bytes }

    /// `b64(SHA-256(DER SPKI))`, the public-key hint cosign writes in bundles.
    public var bundleHint: String { spkiSHA256.base64EncodedString() }

    public var description: String { "\(algorithm) key \(spkiSHA256.prefix(8).lowercaseHex)" }

    public static func == (lhs: PublicKey, rhs: PublicKey) -> Bool { lhs.derSPKI == rhs.derSPKI }

    /// The raw 32-byte Ed25519 public key, for Ed25519 keys.
    public func rawEd25519() throws -> Data {
        guard algorithm == .ed25519 else { throw CryptoError("not an Ed25519 key") }
        var length = 32
        var raw = [UInt8](repeating: 0, count: 32)
        guard EVP_PKEY_get_raw_public_key(key.pointer, &raw, &length) == 1, length == 32 else {
            throw CryptoError.openSSL("cannot read the raw Ed25519 public key")
        }
        return Data(raw)
    }

    /// Whether `signature` is valid over `message` under `scheme`. Never throws on a bad
    /// signature: a malformed signature is simply not valid.
    public func isValidSignature(_ signature: Data, for message: Data, scheme: SignatureScheme) -> Bool {
        defer { OpenSSLErrorQueue.clear() }
        guard scheme.fits(algorithm) else { return false }
        if scheme == .ed25519ph {
            return ed25519phVerify(signature, message: message)
        }
        guard let context = EVP_MD_CTX_new() else { return false }
        defer { EVP_MD_CTX_free(context) }
        guard EVP_DigestVerifyInit(context, nil, scheme.hash?.evpMD, nil, key.pointer) == 1 else { return false }
        let result = signature.withUnsafeBytes { sig in
            message.withUnsafeBytes { msg in
                EVP_DigestVerify(context,
                                 sig.bindMemory(to: UInt8.self).baseAddress, sig.count,
                                 msg.bindMemory(to: UInt8.self).baseAddress, msg.count)
            }
        }
        return result == 1
    }

    /// Whether `signature` is valid over a message whose `scheme.hash` digest is `digest`
    /// (a prehashed verification; pure Ed25519 needs the message and is refused).
    public func isValidSignature(_ signature: Data, forDigest digest: Data, scheme: SignatureScheme) -> Bool {
        defer { OpenSSLErrorQueue.clear() }
        guard scheme.fits(algorithm), let hash = scheme.hash, scheme != .ed25519ph,
              digest.count == hash.byteCount else { return false }
        guard let context = EVP_PKEY_CTX_new(key.pointer, nil) else { return false }
        defer { EVP_PKEY_CTX_free(context) }
        guard EVP_PKEY_verify_init(context) == 1,
              EVP_PKEY_CTX_set_signature_md(context, hash.evpMD) == 1 else { return false }
        let result = signature.withUnsafeBytes { sig in
            digest.withUnsafeBytes { dig in
                EVP_PKEY_verify(context,
                                sig.bindMemory(to: UInt8.self).baseAddress, sig.count,
                                dig.bindMemory(to: UInt8.self).baseAddress, dig.count)
            }
        }
        return result == 1
    }

    private func ed25519phVerify(_ signature: Data, message: Data) -> Bool {
        guard signature.count == 64, let raw = try? rawEd25519() else { return false }
        var state = crypto_sign_ed25519ph_state()
        crypto_sign_ed25519ph_init(&state)
        message.withUnsafeBytes { msg in
            _ = crypto_sign_ed25519ph_update(&state, msg.bindMemory(to: UInt8.self).baseAddress, UInt64(msg.count))
        }
        var sig = [UInt8](signature)
        var pk = [UInt8](raw)
        return crypto_sign_ed25519ph_final_verify(&state, &sig, &pk) == 0
    }
}

extension SignatureScheme {
    /// Whether this scheme can be used with a key of `algorithm`.
    func fits(_ algorithm: KeyAlgorithm) -> Bool {
        switch (self, algorithm) {
        case (.ecdsa, .ecdsaP256), (.ecdsa, .ecdsaP384), (.ecdsa, .ecdsaP521): true
        case (.rsaPKCS1v15, .rsa): true
        case (.ed25519, .ed25519), (.ed25519ph, .ed25519): true
        default: false
        }
    }
}
