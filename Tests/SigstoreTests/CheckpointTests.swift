import AirlockCrypto
import Foundation
import Testing
@testable import Sigstore
import SigstoreTestKit

@Suite("Checkpoints and signed notes")
struct CheckpointTests {
    private let checkpoint = Checkpoint(origin: "log.example", size: 736, rootHash: Data(repeating: 0x11, count: 32),
                                        extensionLines: ["Timestamp: 1689177396617352539"])

    @Test func parsesAndWritesTheBody() throws {
        #expect(checkpoint.noteText == "log.example\n736\nERERERERERERERERERERERERERERERERERERERERERE=\nTimestamp: 1689177396617352539\n")
        #expect(try Checkpoint(noteText: checkpoint.noteText) == checkpoint)
        let malformed: [(String, String)] = [
            ("log\n736\n", "fewer than three lines"),
            ("log\n736\nAAAA", "fewer than three lines"),
            ("\n736\nAAAA\n", "empty origin"),
            ("log\n-1\nAAAA\n", "tree size \"-1\" is not a decimal uint64"),
            ("log\n18446744073709551616\nAAAA\n", "tree size \"18446744073709551616\" is not a decimal uint64"),
            ("log\n7\nA?AA\n", "root hash is not base64"),
        ]
        for (text, why) in malformed {
            #expect(throws: CheckpointError.malformedCheckpoint(why)) { try Checkpoint(noteText: text) }
        }
    }

    @Test func recognisesRekorV1Origins() {
        #expect(Checkpoint.isRekorV1Style("rekor.sigstore.dev - 2605736670972794746\n1\n"))
        #expect(Checkpoint.isRekorV1Style("a - b - 12\n"))
        #expect(!Checkpoint.isRekorV1Style("log2025-1.rekor.sigstore.dev\n1\n"))
        #expect(!Checkpoint.isRekorV1Style("rekor - 12x\n"))
        #expect(!Checkpoint.isRekorV1Style("rekor - \n12\n"))
    }

    @Test(arguments: ["p256", "ed25519"])
    func rekorV1NotesVerifyWithEveryLineFromTheLogKey(keyType: String) throws {
        let key = keyType == "ed25519" ? try KitKeys.generateEd25519() : try PrivateKey.generateP256()
        let envelope = try checkpoint.signedRekorV1Envelope(name: "rekor.example", key: key)
        #expect(try Checkpoint.verifiedRekorV1(envelope: envelope, key: key.publicKey) == checkpoint)

        let other = try PrivateKey.generateP256()
        let foreign = try SignedNote.sign(text: checkpoint.noteText, name: "witness", keyHint: Data([1, 2, 3, 4]), key: other)
        var note = try SignedNote.parseRekorV1(envelope)
        note.signatures.append(foreign)
        #expect(throws: CheckpointError.unexpectedKeyHint(name: "witness", hint: Data([1, 2, 3, 4]), expected: LogKeyID.hint(key.publicKey.spkiSHA256))) {
            try Checkpoint.verifiedRekorV1(envelope: note.envelope, key: key.publicKey)
        }
        #expect(throws: CheckpointError.unexpectedKeyHint(name: "rekor.example", hint: LogKeyID.hint(key.publicKey.spkiSHA256),
                                                           expected: LogKeyID.hint(other.publicKey.spkiSHA256))) {
            try Checkpoint.verifiedRekorV1(envelope: envelope, key: other.publicKey)
        }
        let tampered = envelope.replacingOccurrences(of: "\n736\n", with: "\n737\n")
        #expect(throws: CheckpointError.invalidSignature(name: "rekor.example")) {
            try Checkpoint.verifiedRekorV1(envelope: tampered, key: key.publicKey)
        }
    }

    @Test func signedNotesMustBeWellFormed() throws {
        let line = "\u{2014} log AAAAAAE=\n"
        let cases: [(String, String)] = [
            ("text\n" + line, "no blank line before the signatures"),
            ("text\n\n", "the signature block is empty or lacks its final newline"),
            ("text\n\n" + line.dropLast(), "the signature block is empty or lacks its final newline"),
            ("text\n\n- log AAAAAAE=\n", "a signature line does not start with \"— \""),
            ("text\n\n\u{2014} logAAAAAAE=\n", "a signature line has no signature"),
            ("text\n\n\u{2014} log AAAA\n", "the signature of \"log\" is not base64 of at least 5 bytes"),
            ("text\n\n\u{2014} log AAAA AAE=\n", "the signature of \"log\" is not base64 of at least 5 bytes"),
        ]
        for (envelope, why) in cases {
            #expect(throws: CheckpointError.malformedNote(why)) { try SignedNote.parseRekorV1(envelope) }
            #expect(throws: CheckpointError.malformedNote(why)) { try SignedNote.parseC2SP(envelope) }
        }
        #expect(throws: CheckpointError.malformedNote("a signature line has an empty name")) {
            try SignedNote.parseRekorV1("text\n\n\u{2014}  AAAAAAE=\n")
        }
        for name in ["", "a+b", "a\u{a0}b"] {
            #expect(throws: CheckpointError.malformedNote("invalid signer name \"\(name)\"")) {
                try SignedNote.parseC2SP("text\n\n\u{2014} \(name) AAAAAAE=\n")
            }
        }
        #expect(throws: CheckpointError.malformedNote("control character in the note")) {
            try SignedNote.parseC2SP("te\u{1}xt\n\n" + line)
        }
        #expect(throws: CheckpointError.malformedNote("control character in the note")) {
            try SignedNote.parseC2SP("text\r\n\n" + line)
        }
        #expect(throws: Never.self) { try SignedNote.parseC2SP("text\n\n" + String(repeating: line, count: 100)) }
        #expect(throws: CheckpointError.malformedNote("more than 100 signature lines")) {
            try SignedNote.parseC2SP("text\n\n" + String(repeating: line, count: 101))
        }
        // The text keeps its last newline; the split is at the last blank line.
        #expect(try SignedNote.parseC2SP("a\n\nb\n\n" + line).text == "a\n\nb\n")
    }

    @Test(arguments: ["p256", "ed25519"])
    func c2spNotesNeedOneValidLineFromTheLogAndIgnoreWitnesses(keyType: String) throws {
        let key = keyType == "ed25519" ? try KitKeys.generateEd25519() : try PrivateKey.generateP256()
        let envelope = try checkpoint.signedC2SPEnvelope(key: key)
        #expect(try Checkpoint.verifiedRekorV2(envelope: envelope, key: key.publicKey, origin: "log.example") == checkpoint)

        var note = try SignedNote.parseC2SP(envelope)
        let logLine = try #require(note.signatures.first)
        let witness = try SignedNote.sign(text: note.text, name: "witness.example", keyHint: Data([9, 9, 9, 9]), key: PrivateKey.generateP256())
        var badLogLine = logLine
        badLogLine.signature = try key.sign(Data("other".utf8))

        note.signatures = [witness, logLine, witness]
        #expect(throws: Never.self) { try Checkpoint.verifiedRekorV2(envelope: note.envelope, key: key.publicKey, origin: "log.example") }
        // Repeats of the log's line after a valid one are ignored (x/mod note), but a first one that fails rejects.
        note.signatures = [logLine, badLogLine]
        #expect(throws: Never.self) { try Checkpoint.verifiedRekorV2(envelope: note.envelope, key: key.publicKey, origin: "log.example") }
        note.signatures = [badLogLine, logLine]
        #expect(throws: CheckpointError.invalidSignature(name: "log.example")) {
            try Checkpoint.verifiedRekorV2(envelope: note.envelope, key: key.publicKey, origin: "log.example")
        }
        note.signatures = [witness]
        #expect(throws: CheckpointError.noLogSignature(name: "log.example")) {
            try Checkpoint.verifiedRekorV2(envelope: note.envelope, key: key.publicKey, origin: "log.example")
        }
        // The same key under another name is someone else.
        #expect(throws: CheckpointError.noLogSignature(name: "other.example")) {
            try Checkpoint.verifiedRekorV2(envelope: envelope, key: key.publicKey, origin: "other.example")
        }
        // A log that signs a checkpoint with another origin is refused after the signature checks.
        var renamed = checkpoint
        renamed.origin = "elsewhere"
        let signedElsewhere = try SignedNote(text: renamed.noteText, signatures: [
            SignedNote.sign(text: renamed.noteText, name: "log.example",
                            keyHint: LogKeyID.hint(LogKeyID.signedNote(key.publicKey, origin: "log.example")), key: key),
        ]).envelope
        #expect(throws: CheckpointError.originMismatch(expected: "log.example", found: "elsewhere")) {
            try Checkpoint.verifiedRekorV2(envelope: signedElsewhere, key: key.publicKey, origin: "log.example")
        }
    }

    @Test func requiresTheInclusionProofRoot() throws {
        try checkpoint.requireRootHash(Data(repeating: 0x11, count: 32))
        #expect(throws: CheckpointError.rootHashMismatch(checkpoint: checkpoint.rootHash, expected: Data(count: 32))) {
            try checkpoint.requireRootHash(Data(count: 32))
        }
    }
}
