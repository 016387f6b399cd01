import AirlockJSON
import AirlockCrypto
import Foundation

/// A log checkpoint (the text of a signed note): `origin`, tree size, root hash, then optional
/// extension lines (Rekor v1 adds `Timestamp: …`).
public struct Checkpoint: Sendable, Equatable {
    public var origin: String
    public var size: UInt64
    public var rootHash: Data
    /// Lines after the root hash, without newlines.
    public var extensionLines: [String]

    public init(origin: String, size: UInt64, rootHash: Data, extensionLines: [String] = []) {
        self.origin = origin
        self.size = size
        self.rootHash = rootHash
        self.extensionLines = extensionLines
    }

    /// Parses note text `origin\nsize\nb64(root)\n[lines\n]`: a non-empty origin, a decimal
    /// uint64 size, a standard-base64 root.
    public init(noteText: String) throws(CheckpointError) {
        var lines = noteText.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard lines.count >= 4, lines.last == "" else { throw .malformedCheckpoint("fewer than three lines") }
        lines.removeLast()
        guard !lines[0].isEmpty else { throw .malformedCheckpoint("empty origin") }
        guard !lines[1].isEmpty, lines[1].utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
              let size = UInt64(lines[1]) else {
            throw .malformedCheckpoint("tree size \"\(lines[1].prefix(30))\" is not a decimal uint64")
        }
        guard let root = Base64.decodeStandard(lines[2]) else { throw .malformedCheckpoint("root hash is not base64") }
        self.init(origin: lines[0], size: size, rootHash: root, extensionLines: Array(lines[3...]))
    }

    /// The note text this checkpoint is signed as.
    public var noteText: String {
        ([origin, String(size), Base64.encode(rootHash)] + extensionLines).map { $0 + "\n" }.joined()
    }

    /// Whether the envelope's first line has Rekor v1's origin form `<host> - <tree ID>`
    /// (sigstore-go's regex `.* - [0-9]+$`), which selects the Rekor v1 checkpoint rules.
    public static func isRekorV1Style(_ envelope: String) -> Bool {
        let firstLine = envelope.prefix { $0 != "\n" }
        guard let separator = firstLine.range(of: " - ", options: .backwards) else { return false }
        let treeID = firstLine[separator.upperBound...]
        return !treeID.isEmpty && treeID.utf8.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
    }

    /// Verifies a Rekor v1 checkpoint with the log key (§8.3.2) and returns its body. The origin
    /// is not checked; the caller compares `rootHash` with the inclusion proof's
    /// (`requireRootHash`).
    public static func verifiedRekorV1(envelope: String, key: PublicKey) throws(CheckpointError) -> Checkpoint {
        let note = try SignedNote.parseRekorV1(envelope)
        try note.verifyRekorV1(key: key)
        return try Checkpoint(noteText: note.text)
    }

    /// Verifies a Rekor v2 (C2SP) checkpoint signed by the log `origin` (its baseUrl host) with
    /// `key` (§8.3.3), then requires the body's origin to be `origin`.
    public static func verifiedRekorV2(envelope: String, key: PublicKey, origin: String) throws(CheckpointError) -> Checkpoint {
        let note = try SignedNote.parseC2SP(envelope)
        try note.verifyC2SP(key: key, name: origin)
        let checkpoint = try Checkpoint(noteText: note.text)
        guard checkpoint.origin == origin else { throw .originMismatch(expected: origin, found: checkpoint.origin) }
        return checkpoint
    }

    /// Requires the checkpoint's root to be `expected` (the inclusion proof's root hash).
    public func requireRootHash(_ expected: Data) throws(CheckpointError) {
        guard rootHash == expected else { throw .rootHashMismatch(checkpoint: rootHash, expected: expected) }
    }

    /// A Rekor v1 style envelope signed by `key` under `name` (hint SHA-256(SPKI)[:4], scheme
    /// `SignedNote.rekorV1Scheme(_:)`), for test logs.
    public func signedRekorV1Envelope(name: String, key: PrivateKey) throws -> String {
        let signature = try SignedNote.sign(text: noteText, name: name, keyHint: LogKeyID.hint(key.publicKey.spkiSHA256),
                                            key: key, scheme: SignedNote.rekorV1Scheme(key.algorithm))
        return SignedNote(text: noteText, signatures: [signature]).envelope
    }

    /// A C2SP envelope signed by `key` under the checkpoint's origin, for test logs.
    public func signedC2SPEnvelope(key: PrivateKey) throws -> String {
        let hint = LogKeyID.hint(try LogKeyID.signedNote(key.publicKey, origin: origin))
        let signature = try SignedNote.sign(text: noteText, name: origin, keyHint: hint, key: key)
        return SignedNote(text: noteText, signatures: [signature]).envelope
    }
}
