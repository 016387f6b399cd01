import AirlockCrypto
import Foundation

/// How log IDs and signed-note key IDs are derived from a log's key (FORMATS.md §7.5).
public enum LogKeyID {
    /// The C2SP signed-note key ID of `key` under the note name `origin` (a Rekor v2 log's
    /// baseUrl host), which is also the Rekor v2 log ID:
    /// Ed25519 `SHA-256(origin ‖ 0x0A ‖ 0x01 ‖ raw key)`; ECDSA `SHA-256(SPKI)`;
    /// RSA `SHA-256(origin ‖ 0x0A ‖ 0xFF ‖ "PKIX-RSA-PKCS#1v1.5" ‖ SPKI)`.
    public static func signedNote(_ key: PublicKey, origin: String) throws -> Data {
        var input = Data(origin.utf8)
        input.append(0x0A)
        switch key.algorithm {
        case .ed25519:
            input.append(0x01)
            input.append(try key.rawEd25519())
        case .ecdsaP256, .ecdsaP384, .ecdsaP521:
            return key.spkiSHA256
        case .rsa:
            input.append(0xFF)
            input.append(contentsOf: "PKIX-RSA-PKCS#1v1.5".utf8)
            input.append(key.derSPKI)
        }
        return Digest.of(input).bytes
    }

    /// The first four bytes of a key ID: the hint carried by signature lines.
    public static func hint(_ keyID: Data) -> Data { Data(keyID.prefix(4)) }
}
