import AirlockJSON
import AirlockCrypto
import Foundation
import Testing
@testable import Sigstore

/// The transparency-log checks of FORMATS.md §8.2 run with this module's primitives over the
/// public conformance bundles: happy paths pass every check, and the cases about these checks
/// fail at the check they are about.
@Suite("Transparency-log checks on conformance bundles", .enabled(if: SharedData.isAvailable))
struct ConformanceLogTests {
    /// The first failing log check of one entry.
    enum LogFailure: Error {
        case unknownLog
        case body(FormatError)
        case set(SignedEntryTimestampError)
        case merkle(MerkleProofError)
        case checkpoint(CheckpointError)
        case leafMismatch
    }

    /// Runs the log checks of §8.2 on one entry (steps 1–5; the bundle binding is tested separately).
    static func check(_ entry: TransparencyLogEntry, of bundle: SigstoreBundle, root: TrustedRoot) throws(LogFailure) {
        guard let log = root.transparencyLog(id: entry.logID) else { throw .unknownLog }
        let body: RekorEntryBody
        do {
            body = try RekorEntryBody(canonicalizedBody: entry.canonicalizedBody)
        } catch {
            throw .body(error)
        }
        guard body.kind == entry.kind, body.apiVersion == entry.kindVersion else { throw .leafMismatch }
        if entry.inclusionPromise != nil {
            do { try SignedEntryTimestamp.verify(entry: entry, log: log) } catch { throw .set(error) }
        }
        guard let proof = entry.inclusionProof else { return }
        do {
            if Checkpoint.isRekorV1Style(proof.checkpoint) {
                do { try proof.verify(leafData: entry.canonicalizedBody) } catch { throw LogFailure.merkle(error) }
                let checkpoint = try Checkpoint.verifiedRekorV1(envelope: proof.checkpoint, key: log.publicKey)
                try checkpoint.requireRootHash(proof.rootHash)
            } else {
                let checkpoint = try Checkpoint.verifiedRekorV2(envelope: proof.checkpoint, key: log.publicKey, origin: log.host ?? "")
                guard let certificate = bundle.verificationMaterial.signer.leafCertificate,
                      let algorithm = try? Certificate(der: certificate).publicKey.algorithm,
                      let leaf = try? HashedRekordV002(rebuildingFrom: bundle, verifier: .certificate(certificate), keyAlgorithm: algorithm)
                else { throw LogFailure.leafMismatch }
                do {
                    try Merkle.verifyInclusion(leafHash: Merkle.leafHash(leaf.canonicalBody), index: UInt64(entry.logIndex),
                                               treeSize: checkpoint.size, proof: proof.hashes, rootHash: checkpoint.rootHash)
                } catch {
                    throw LogFailure.merkle(error)
                }
                // Then byte-equal to what the log stored, although the verifier never uses the stored copy.
                guard leaf.canonicalBody == entry.canonicalizedBody else { throw LogFailure.leafMismatch }
            }
        } catch let error as CheckpointError {
            throw .checkpoint(error)
        } catch let error as LogFailure {
            throw error
        } catch {
            throw .leafMismatch
        }
    }

    /// Cases failing at this layer, with the check that must fail.
    static let expectedFailures: [String: @Sendable (LogFailure) -> Bool] = [
        "checkpoint-wrong-roothash_fail": { if case .checkpoint(.rootHashMismatch) = $0 { true } else { false } },
        "invalid-checkpoint-signature_fail": { if case .checkpoint(.invalidSignature("rekor.sigstore.dev")) = $0 { true } else { false } },
        "set-invalid-signature_fail": { if case .set(.invalidSignature) = $0 { true } else { false } },
        "rekor2-checkpoint-missing-log-signature_fail": { if case .checkpoint(.malformedNote) = $0 { true } else { false } },
        // The origin line is gone, so the log's signature no longer verifies (checked before parsing, as in Go).
        "rekor2-checkpoint-missing-origin_fail": {
            if case .checkpoint(.invalidSignature("log2025-alpha1.rekor.sigstage.dev")) = $0 { true } else { false }
        },
        "rekor2-checkpoint-no-matching-signature_fail": {
            if case .checkpoint(.noLogSignature("log2025-alpha1.rekor.sigstage.dev")) = $0 { true } else { false }
        },
        "bundle-from-wrong-instance_fail": { if case .unknownLog = $0 { true } else { false } },
        // The entry's signature is stored base64 once instead of twice, so it cannot be decoded
        // (sigstore-go fails decoding it the same way).
        "intoto-log-entry-mismatch_fail": { if case .body = $0 { true } else { false } },
        // The bundle's DSSE signature is not the logged one: the rebuilt Rekor v2 leaf is not in the tree.
        "rekor2-dsse-invalid-sig_fail": { if case .merkle(.rootMismatch) = $0 { true } else { false } },
        "rekor2-dsse-mismatch-sig_fail": { if case .merkle(.rootMismatch) = $0 { true } else { false } },
    ]

    /// Cases this layer cannot judge: the trusted root must not parse. (Cases failing later
    /// checks, e.g. integrated-time-in-future_fail whose SET is valid, must pass these.)
    static let outOfScope: Set<String> = ["trust-root-tlog-missing-validity-start_fail"]

    @Test func everyCaseFailsAtTheRightCheckOrPassesThemAll() throws {
        var checked = 0
        for name in SharedData.conformanceCases where !Self.outOfScope.contains(name) {
            guard let bundle = try? SharedData.bundle(name) else { continue }  // parse failures: BundleTests
            let root = try SharedData.trustedRoot(for: name)
            var failure: LogFailure?
            for entry in bundle.verificationMaterial.tlogEntries {
                do { try Self.check(entry, of: bundle, root: root) } catch { failure = failure ?? error }
            }
            if let expected = Self.expectedFailures[name] {
                #expect(failure.map(expected) == true, "\(name): \(String(describing: failure))")
            } else {
                #expect(failure == nil, "\(name): \(String(describing: failure))")
            }
            checked += 1
        }
        #expect(checked >= 35)
    }

    @Test func aBadInclusionProofFailsTheMerkleCheck() throws {
        // The bundle itself is refused (no checkpoint); its proof is also wrong for its leaf.
        let json = try JSONValue.parse(SharedData.conformanceCase("invalid-inclusion-proof_fail"))
        let entry = try #require(json["verificationMaterial"]?["tlogEntries"]?.arrayValue?.first)
        let proof = try #require(entry["inclusionProof"])
        let body = try #require(Base64.decodeLenient(entry["canonicalizedBody"]?.stringValue ?? ""))
        let inclusion = InclusionProof(
            logIndex: try #require(Int64(proof["logIndex"]?.stringValue ?? "")),
            rootHash: try #require(Base64.decodeLenient(proof["rootHash"]?.stringValue ?? "")),
            treeSize: try #require(Int64(proof["treeSize"]?.stringValue ?? "")),
            hashes: (proof["hashes"]?.arrayValue ?? []).compactMap { $0.stringValue.flatMap(Base64.decodeLenient) },
            checkpoint: "")
        #expect(performing: { try inclusion.verify(leafData: body) }, throws: { error in
            if case .rootMismatch = error as? MerkleProofError { return true }
            if case .wrongProofLength = error as? MerkleProofError { return true }
            return false
        })
    }
}
