import AirlockJSON
import AirlockCrypto
import Foundation

/// Why a signed entry timestamp (inclusion promise) was refused. sigstore-go skips an entry
/// whose SET fails rather than rejecting the bundle; the verifier decides.
public enum SignedEntryTimestampError: Error, Sendable, Equatable, CustomStringConvertible {
    case missing
    /// SETs are ECDSA signatures; the log key is not ECDSA.
    case unsupportedKey(KeyAlgorithm)
    case invalidSignature
    /// The integrated time lies outside the log key's validity window (or the window has no start).
    case outsideKeyValidity(integratedTime: Int64, window: ValidityWindow)

    public var description: String {
        switch self {
        case .missing: "signed entry timestamp: the entry has no inclusion promise"
        case .unsupportedKey(let algorithm): "signed entry timestamp: the log key is \(algorithm), SETs need ECDSA"
        case .invalidSignature: "signed entry timestamp: the signature does not verify with the log key"
        case .outsideKeyValidity(let time, let window):
            "signed entry timestamp: integrated time \(time) is outside the log key's validity \(window)"
        }
    }
}

/// The Rekor v1 signed entry timestamp (FORMATS.md §8.3.1): an ECDSA signature by the log over
/// SHA-256 of the JCS object `{body, integratedTime, logID, logIndex}`.
public enum SignedEntryTimestamp {
    /// The signed bytes: `{"body":b64(body),"integratedTime":n,"logID":"<hex>","logIndex":n}`
    /// (keys in JCS order, integers as numbers, the global log index).
    public static func payload(canonicalizedBody: Data, integratedTime: Int64, logID: Data, logIndex: Int64) -> Data {
        let object: JSONValue = [
            "body": .string(Base64.encode(canonicalizedBody)),
            "integratedTime": .integer(integratedTime),
            "logID": .string(logID.lowercaseHex),
            "logIndex": .integer(logIndex),
        ]
        // Canonicalisation cannot fail for strings and integers (an empty payload would simply
        // not verify). Integers beyond 2^53 take their JCS double form, as in Go.
        return (try? object.canonicalJSON()) ?? Data()
    }

    /// The payload of a bundle entry (its log ID, global index, time and body).
    public static func payload(of entry: TransparencyLogEntry) -> Data {
        payload(canonicalizedBody: entry.canonicalizedBody, integratedTime: entry.integratedTime,
                logID: entry.logID, logIndex: entry.logIndex)
    }

    /// Verifies `set` over `payload` with an ECDSA log key.
    public static func verify(_ set: Data, payload: Data, key: PublicKey) throws(SignedEntryTimestampError) {
        switch key.algorithm {
        case .ecdsaP256, .ecdsaP384, .ecdsaP521: break
        default: throw .unsupportedKey(key.algorithm)
        }
        guard key.isValidSignature(set, forDigest: Digest.of(payload).bytes, scheme: .ecdsa(.sha256)) else {
            throw .invalidSignature
        }
    }

    /// Verifies the entry's inclusion promise with the log it names: the log key's window must
    /// have a start and contain the integrated time (ends inclusive), and the SET must verify.
    public static func verify(entry: TransparencyLogEntry, log: TransparencyLogInstance) throws(SignedEntryTimestampError) {
        guard let set = entry.inclusionPromise else { throw .missing }
        let time = Date(timeIntervalSince1970: TimeInterval(entry.integratedTime))
        guard log.validFor.start != nil, log.validFor.contains(time) else {
            throw .outsideKeyValidity(integratedTime: entry.integratedTime, window: log.validFor)
        }
        try verify(set, payload: payload(of: entry), key: log.publicKey)
    }

    /// A SET for an entry, signed by a log's ECDSA key (for test logs).
    public static func sign(canonicalizedBody: Data, integratedTime: Int64, logID: Data, logIndex: Int64,
                            key: PrivateKey) throws -> Data {
        let message = payload(canonicalizedBody: canonicalizedBody, integratedTime: integratedTime, logID: logID, logIndex: logIndex)
        return try key.sign(message, scheme: .ecdsa(.sha256))
    }
}
