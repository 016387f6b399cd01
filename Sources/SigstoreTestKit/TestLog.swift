import AirlockCrypto
import Foundation
import Sigstore

/// A Rekor-style transparency log of the private Sigstore: a real RFC 6962 Merkle tree, signed
/// checkpoints (Rekor v1 notes, or C2SP notes for a Rekor v2 log), inclusion proofs and, for
/// v1, signed entry timestamps.
public final class TestLog {
    public enum Version: Sendable {
        /// ECDSA P-256 key, SETs, `<host> - <tree ID>` checkpoints, global indexes offset from the shard's.
        case v1
        /// Ed25519 key, C2SP checkpoints named by the host, no SET, no integrated time.
        case v2
    }

    public let version: Version
    public let key: PrivateKey
    public let baseURL: String
    public let host: String
    /// The log ID the trusted root lists (SHA-256 of the SPKI for v1; the C2SP key ID for v2).
    public let logID: Data
    /// Rekor v1: the tree ID in the checkpoint origin, and the global index of leaf 0.
    public let treeID: Int64
    public let shardOffset: Int64
    public private(set) var tree = MerkleTree()

    init(version: Version, baseURL: String, paddingLeaves: Int) throws {
        guard let host = URLComponents(string: baseURL)?.host else { throw CryptoError("log URL \(baseURL) has no host") }
        self.version = version
        self.baseURL = baseURL
        self.host = host
        switch version {
        case .v1:
            key = try PrivateKey.generateP256()
            logID = key.publicKey.spkiSHA256
            treeID = 1_193_050_959_916_656_506
            shardOffset = 4_000
        case .v2:
            key = try KitKeys.generateEd25519()
            logID = try LogKeyID.signedNote(key.publicKey, origin: host)
            treeID = 0
            shardOffset = 0
        }
        for index in 0..<paddingLeaves {
            tree.append(leafData: Data("padding leaf \(index) of \(host)".utf8))
        }
    }

    /// The trusted-root entry for this log, valid from `start`.
    public func instance(validFrom start: Date) throws -> TransparencyLogInstance {
        try TransparencyLogInstance(baseURL: baseURL, publicKey: key.publicKey, validFor: ValidityWindow(start: start), logID: logID)
    }

    /// Appends a leaf and returns its index in the tree.
    @discardableResult
    public func append(_ leafData: Data) -> Int64 {
        Int64(tree.append(leafData: leafData))
    }

    /// The signed checkpoint of the first `treeSize` leaves.
    public func checkpoint(treeSize: UInt64) throws -> String {
        switch version {
        case .v1:
            return try Checkpoint(origin: "\(host) - \(treeID)", size: treeSize, rootHash: tree.rootHash(treeSize: treeSize))
                .signedRekorV1Envelope(name: host, key: key)
        case .v2:
            return try Checkpoint(origin: host, size: treeSize, rootHash: tree.rootHash(treeSize: treeSize))
                .signedC2SPEnvelope(key: key)
        }
    }

    /// The inclusion proof of leaf `index` in the tree of `treeSize` leaves (default: all),
    /// with the signed checkpoint of that size.
    public func inclusionProof(index: Int64, treeSize: UInt64? = nil) throws -> InclusionProof {
        let size = treeSize ?? tree.size
        return InclusionProof(logIndex: index, rootHash: try tree.rootHash(treeSize: size), treeSize: Int64(size),
                              hashes: try tree.inclusionProof(index: UInt64(index), treeSize: size),
                              checkpoint: try checkpoint(treeSize: size))
    }
}

/// Keys the kit makes.
public enum KitKeys {
    /// A fresh Ed25519 key (random seed wrapped as RFC 8410 PKCS#8).
    public static func generateEd25519() throws -> PrivateKey {
        var generator = SystemRandomNumberGenerator()
        var der = [UInt8](Data(lowercaseHex: "302e020100300506032b657004220420") ?? Data())
        der += (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        return try PrivateKey(pkcs8DER: SecureBytes(wiping: &der))
    }
}
