import AirlockJSON
import AirlockCrypto
import Foundation

/// Why a checkpoint (signed note) was refused.
public enum CheckpointError: Error, Sendable, Equatable, CustomStringConvertible {
    case malformedNote(String)
    case malformedCheckpoint(String)
    /// Rekor v1: a signature line carries a key hint other than the log key's.
    case unexpectedKeyHint(name: String, hint: Data, expected: Data)
    /// A signature line from the log's key does not verify.
    case invalidSignature(name: String)
    /// No signature line from the log's key (name and key hint) was found.
    case noLogSignature(name: String)
    case originMismatch(expected: String, found: String)
    case unsupportedKey(String)
    case rootHashMismatch(checkpoint: Data, expected: Data)

    public var description: String {
        switch self {
        case .malformedNote(let why): "checkpoint: malformed signed note: \(why)"
        case .malformedCheckpoint(let why): "checkpoint: malformed body: \(why)"
        case .unexpectedKeyHint(let name, let hint, let expected):
            "checkpoint: signature by \"\(name)\" has key hint \(hint.lowercaseHex), not the log key's \(expected.lowercaseHex)"
        case .invalidSignature(let name): "checkpoint: the signature by \"\(name)\" does not verify with the log key"
        case .noLogSignature(let name): "checkpoint: no signature by the log \"\(name)\" with its key"
        case .originMismatch(let expected, let found): "checkpoint: origin \"\(found)\" is not the log's \"\(expected)\""
        case .unsupportedKey(let why): "checkpoint: unsupported log key: \(why)"
        case .rootHashMismatch(let checkpoint, let expected):
            "checkpoint: root hash \(checkpoint.lowercaseHex) does not match the inclusion proof's \(expected.lowercaseHex)"
        }
    }
}

/// A signed note: text followed by a blank line and signature lines `— <name> <b64(hint ‖ sig)>`
/// (FORMATS.md §8.3.2 for Rekor v1's dialect, §8.3.3 for C2SP signed notes).
public struct SignedNote: Sendable, Equatable {
    /// One signature line.
    public struct Signature: Sendable, Equatable {
        public var name: String
        /// The first four bytes of the signer's key ID.
        public var keyHint: Data
        /// The signature proper (after the hint).
        public var signature: Data

        public init(name: String, keyHint: Data, signature: Data) {
            self.name = name
            self.keyHint = keyHint
            self.signature = signature
        }

        var line: String {
            "\u{2014} \(name) \(Base64.encode(keyHint + signature))\n"
        }
    }

    /// The signed text, ending with its last newline.
    public var text: String
    public var signatures: [Signature]

    /// More signature lines than this make a C2SP note malformed.
    public static let maxSignatures = 100

    public init(text: String, signatures: [Signature]) {
        self.text = text
        self.signatures = signatures
    }

    /// The note as written: text, blank line, signature lines.
    public var envelope: String { text + "\n" + signatures.map(\.line).joined() }

    /// Splits an envelope at its last blank line; the signature block must be non-empty and end
    /// with a newline.
    private static func split(_ envelope: String) throws(CheckpointError) -> (text: String, lines: [Substring]) {
        let bytes = Array(envelope.utf8)
        guard let separator = bytes.indices.dropLast().last(where: { bytes[$0] == 0x0A && bytes[$0 + 1] == 0x0A }) else {
            throw .malformedNote("no blank line before the signatures")
        }
        let text = String(decoding: bytes[...separator], as: UTF8.self)
        let block = bytes[(separator + 2)...]
        guard block.last == 0x0A else { throw .malformedNote("the signature block is empty or lacks its final newline") }
        let lines = block.dropLast().split(separator: 0x0A, omittingEmptySubsequences: false)
        return (text, lines.map { Substring(String(decoding: $0, as: UTF8.self)) })
    }

    /// Parses `— name b64` into a signature (≥ 5 decoded bytes).
    private static func parseLine(_ line: Substring) throws(CheckpointError) -> Signature {
        let prefix = "\u{2014} "
        guard line.hasPrefix(prefix) else { throw .malformedNote("a signature line does not start with \"— \"") }
        let rest = line.dropFirst(prefix.count)
        guard let space = rest.firstIndex(of: " ") else { throw .malformedNote("a signature line has no signature") }
        let name = String(rest[..<space])
        guard let decoded = Base64.decodeStandard(String(rest[rest.index(after: space)...])), decoded.count >= 5 else {
            throw .malformedNote("the signature of \"\(name.prefix(60))\" is not base64 of at least 5 bytes")
        }
        return Signature(name: name, keyHint: Data(decoded.prefix(4)), signature: Data(decoded.dropFirst(4)))
    }

    /// Parses a Rekor v1 checkpoint note (sigstore/rekor `SignedNote`): at least one signature
    /// line, each `— <name> <b64>` with a non-empty name.
    public static func parseRekorV1(_ envelope: String) throws(CheckpointError) -> SignedNote {
        let (text, lines) = try split(envelope)
        var signatures: [Signature] = []
        for line in lines {
            let signature = try parseLine(line)
            guard !signature.name.isEmpty else { throw .malformedNote("a signature line has an empty name") }
            signatures.append(signature)
        }
        guard !signatures.isEmpty else { throw .malformedNote("no signature lines") }
        return SignedNote(text: text, signatures: signatures)
    }

    /// Parses a C2SP signed note (golang.org/x/mod/sumdb/note `Open`): valid UTF-8 without
    /// control characters other than newline, at most 100 signature lines, names non-empty,
    /// without white space or `+`.
    public static func parseC2SP(_ envelope: String) throws(CheckpointError) -> SignedNote {
        if envelope.unicodeScalars.contains(where: { $0.value < 0x20 && $0 != "\n" }) {
            throw .malformedNote("control character in the note")
        }
        let (text, lines) = try split(envelope)
        guard lines.count <= maxSignatures else { throw .malformedNote("more than \(maxSignatures) signature lines") }
        var signatures: [Signature] = []
        for line in lines {
            let signature = try parseLine(line)
            guard !signature.name.isEmpty, !signature.name.contains("+"),
                  !signature.name.unicodeScalars.contains(where: \.properties.isWhitespace) else {
                throw .malformedNote("invalid signer name \"\(signature.name.prefix(60))\"")
            }
            signatures.append(signature)
        }
        return SignedNote(text: text, signatures: signatures)
    }

    /// The scheme of a Rekor v1 checkpoint signature by a key of `algorithm` (§8.3.2): ECDSA and
    /// RSA over SHA-256 of the text, Ed25519 over the text.
    static func rekorV1Scheme(_ algorithm: KeyAlgorithm) -> SignatureScheme {
        switch algorithm {
        case .ecdsaP256, .ecdsaP384, .ecdsaP521: .ecdsa(.sha256)
        case .rsa: .rsaPKCS1v15(.sha256)
        case .ed25519: .ed25519
        }
    }

    /// Rekor v1 rule (§8.3.2): every signature line must carry the hint SHA-256(SPKI)[:4] of
    /// `key` and verify with `rekorV1Scheme(_:)`. Names are not checked.
    public func verifyRekorV1(key: PublicKey) throws(CheckpointError) {
        let expected = LogKeyID.hint(key.spkiSHA256)
        let scheme = Self.rekorV1Scheme(key.algorithm)
        let message = Data(text.utf8)
        let digest = Digest.of(message).bytes
        guard !signatures.isEmpty else { throw .noLogSignature(name: "") }
        for signature in signatures {
            guard signature.keyHint == expected else {
                throw .unexpectedKeyHint(name: signature.name, hint: signature.keyHint, expected: expected)
            }
            let valid = scheme == .ed25519
                ? key.isValidSignature(signature.signature, for: message, scheme: scheme)
                : key.isValidSignature(signature.signature, forDigest: digest, scheme: scheme)
            guard valid else { throw .invalidSignature(name: signature.name) }
        }
    }

    /// C2SP rule (§8.3.3): the log's lines are those named `name` with the key hint of
    /// `LogKeyID.signedNote(key, origin: name)`; others (witnesses) are ignored, as are repeats
    /// of the log's line. A log line that does not verify (with the key's own scheme over the
    /// text) rejects the note; so does the absence of any log line.
    public func verifyC2SP(key: PublicKey, name: String) throws(CheckpointError) {
        let hint: Data
        do {
            hint = LogKeyID.hint(try LogKeyID.signedNote(key, origin: name))
        } catch {
            throw .unsupportedKey("\(error)")
        }
        let message = Data(text.utf8)
        var verified = false
        for signature in signatures where signature.name == name && signature.keyHint == hint && !verified {
            guard key.isValidSignature(signature.signature, for: message, scheme: key.algorithm.defaultScheme) else {
                throw .invalidSignature(name: name)
            }
            verified = true
        }
        guard verified else { throw .noLogSignature(name: name) }
    }

    /// A signature line over `text` by `key` with `keyHint` (for test logs). `scheme` defaults
    /// to the key's own; Rekor v1 ECDSA checkpoints use `.ecdsa(.sha256)`.
    public static func sign(text: String, name: String, keyHint: Data, key: PrivateKey,
                            scheme: SignatureScheme? = nil) throws -> Signature {
        Signature(name: name, keyHint: keyHint, signature: try key.sign(Data(text.utf8), scheme: scheme))
    }
}
