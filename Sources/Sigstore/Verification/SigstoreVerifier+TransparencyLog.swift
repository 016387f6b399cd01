import AirlockJSON
import AirlockCrypto
import Foundation

/// A log entry that passed §8.2, with the policy key its body names (key policies only).
struct CheckedLogEntry {
    let verified: VerifiedLogEntry
    let boundKey: PublicKey?
}

extension SigstoreVerifier {
    /// Step 2 (FORMATS.md §8.2): checks every entry against the trusted root. Entries of
    /// unknown logs and entries whose SET fails are skipped (noted); a failing inclusion proof,
    /// checkpoint or body binding rejects the bundle. Then at least `threshold` distinct logs.
    ///
    /// Without a trusted root, entries cannot be checked: that rejects when `threshold > 0`
    /// and is otherwise noted as "log entries not checked: no trusted root".
    func verifyTransparencyLog(_ subject: BundleSubject, threshold: Int,
                               notes: inout [String]) throws(VerificationFailure) -> [CheckedLogEntry] {
        let entries = subject.bundle.verificationMaterial.tlogEntries
        guard let trustedRoot else {
            if threshold > 0 {
                throw VerificationFailure(.transparencyLog, "no trusted root to check log entries against")
            }
            if !entries.isEmpty { notes.append("log entries not checked: no trusted root") }
            return []
        }
        var checked: [CheckedLogEntry] = []
        for (index, entry) in entries.enumerated() {
            if let result = try check(entry, index: index, of: subject, root: trustedRoot, notes: &notes) {
                checked.append(result)
            }
        }
        let logs = Set(checked.map(\.verified.logID))
        guard logs.count >= threshold else {
            let detail = notes.isEmpty ? "" : " (\(notes.joined(separator: "; ")))"
            throw VerificationFailure(.transparencyLog,
                                      "\(logs.count) verified log entr\(logs.count == 1 ? "y" : "ies") of \(entries.count), \(threshold) required\(detail)")
        }
        return checked
    }

    private func check(_ entry: TransparencyLogEntry, index: Int, of subject: BundleSubject, root: TrustedRoot,
                       notes: inout [String]) throws(VerificationFailure) -> CheckedLogEntry? {
        let label = "tlog entry \(index) (log index \(entry.logIndex))"
        func fail(_ reason: String) -> VerificationFailure { VerificationFailure(.transparencyLog, "\(label): \(reason)") }
        let body: RekorEntryBody
        do {
            body = try RekorEntryBody(canonicalizedBody: entry.canonicalizedBody)
        } catch {
            throw fail("\(error)")
        }
        guard body.kind == entry.kind, body.apiVersion == entry.kindVersion else {
            throw fail("kindVersion \(entry.kind) \(entry.kindVersion) does not match the body's \(body.kind) \(body.apiVersion)")
        }
        guard let log = root.transparencyLog(id: entry.logID) else {
            notes.append("\(label): log \(entry.logID.lowercaseHex) is not in the trusted root; skipped")
            return nil
        }
        guard entry.inclusionPromise != nil || entry.inclusionProof != nil else {
            throw fail("neither an inclusion promise nor an inclusion proof")
        }
        guard !body.isRekorV2 || entry.inclusionProof != nil else { throw fail("a Rekor v2 entry needs an inclusion proof") }
        var integratedTime: Date?
        if entry.inclusionPromise != nil {
            do {
                try SignedEntryTimestamp.verify(entry: entry, log: log)
            } catch {
                notes.append("\(label): \(error); skipped")
                return nil
            }
            integratedTime = Date(timeIntervalSince1970: TimeInterval(entry.integratedTime))
        }
        var boundKey: PublicKey?
        if let proof = entry.inclusionProof {
            do {
                boundKey = try verifyInclusion(entry, proof: proof, of: subject, log: log)
            } catch {
                throw fail(error.reason)
            }
        }
        if !body.isRekorV2 {
            do {
                boundKey = try bindRekorV1(body, to: subject)
            } catch {
                throw fail(error.reason)
            }
        }
        if entry.integratedTime != 0, let leaf = subject.leaf {
            let time = Date(timeIntervalSince1970: TimeInterval(entry.integratedTime))
            guard leaf.isValid(at: time) else {
                throw fail("integrated time \(RFC3339.format(time)) is outside the certificate's validity [\(RFC3339.format(leaf.notBefore)), \(RFC3339.format(leaf.notAfter))]")
            }
        }
        let verified = VerifiedLogEntry(logID: entry.logID, logIndex: entry.logIndex, baseURL: log.baseURL, kind: entry.kind,
                                        kindVersion: entry.kindVersion, integratedTime: integratedTime, isRekorV2: body.isRekorV2)
        return CheckedLogEntry(verified: verified, boundKey: boundKey)
    }

    /// The Merkle inclusion proof and checkpoint (§8.2 step 5). Rekor v2: the leaf is rebuilt
    /// from the bundle for the certificate or each policy key; returns the key that fits.
    private func verifyInclusion(_ entry: TransparencyLogEntry, proof: InclusionProof, of subject: BundleSubject,
                                 log: TransparencyLogInstance) throws(VerificationFailure) -> PublicKey? {
        do {
            if Checkpoint.isRekorV1Style(proof.checkpoint) {
                try proof.verify(leafData: entry.canonicalizedBody)
                let checkpoint = try Checkpoint.verifiedRekorV1(envelope: proof.checkpoint, key: log.publicKey)
                try checkpoint.requireRootHash(proof.rootHash)
                return nil
            }
            guard let host = log.host else {
                throw VerificationFailure(.transparencyLog, "the log has no baseUrl host to verify a Rekor v2 checkpoint with")
            }
            let checkpoint = try Checkpoint.verifiedRekorV2(envelope: proof.checkpoint, key: log.publicKey, origin: host)
            let candidates: [(verifier: RekorVerifier, algorithm: KeyAlgorithm, key: PublicKey?)] = if let leaf = subject.leaf {
                [(.certificate(leaf.der), leaf.publicKey.algorithm, nil)]
            } else {
                subject.keys.map { (.publicKey($0.derSPKI), $0.algorithm, $0) }
            }
            var lastError: Error?
            for candidate in candidates {
                let leaf = try HashedRekordV002(rebuildingFrom: subject.bundle, verifier: candidate.verifier,
                                                keyAlgorithm: candidate.algorithm)
                do {
                    try Merkle.verifyInclusion(leafHash: Merkle.leafHash(leaf.canonicalBody), index: UInt64(entry.logIndex),
                                               treeSize: checkpoint.size, proof: proof.hashes, rootHash: checkpoint.rootHash)
                    return candidate.key
                } catch {
                    lastError = error
                }
            }
            throw VerificationFailure(.transparencyLog, lastError.map { "\($0) (leaf rebuilt from the bundle)" } ?? "no key to rebuild the Rekor v2 leaf with")
        } catch let failure as VerificationFailure {
            throw failure
        } catch {
            throw VerificationFailure(.transparencyLog, "\(error)")
        }
    }

    /// Rekor v1 bundle ↔ entry binding (§8.2 step 6): same signature, same certificate or a
    /// policy key, and the same artifact digest (hashedrekord) or payload hash (dsse, intoto).
    /// Returns the policy key the entry names (key policies).
    private func bindRekorV1(_ body: RekorEntryBody, to subject: BundleSubject) throws(VerificationFailure) -> PublicKey? {
        func mismatch(_ reason: String) -> VerificationFailure { VerificationFailure(.transparencyLog, "the log entry does not match the bundle: \(reason)") }
        guard let recorded = body.signatures.first else { throw mismatch("the entry records no signature") }
        guard recorded.signature == subject.signature else { throw mismatch("it records another signature") }
        var boundKey: PublicKey?
        switch (recorded.verifier, subject.leaf) {
        case (.certificate(let der), let leaf?):
            guard der == leaf.der else { throw mismatch("it records another certificate") }
        case (.publicKey(let der), nil):
            guard let entryKey = try? PublicKey(derSPKI: der), let key = subject.keys.first(where: { $0 == entryKey }) else {
                throw mismatch("it records a key that is not the verification key")
            }
            boundKey = key
        case (.certificate, nil):
            throw mismatch("it records a certificate, the bundle is signed with a key")
        case (.publicKey, _?):
            throw mismatch("it records a public key, the bundle carries a certificate")
        }
        switch (subject.bundle.content, body) {
        case (.messageSignature(let message), .hashedRekordV001(let entry)):
            guard let digest = message.messageDigest else { throw mismatch("the bundle's message signature has no digest") }
            guard entry.dataHash == digest else {
                throw mismatch("it records digest \(entry.dataHash), the bundle \(digest)")
            }
        case (.dsseEnvelope(let envelope), .dsseV001(let entry)):
            try requirePayloadHash(entry.payloadHash, of: envelope, mismatch: mismatch)
        case (.dsseEnvelope(let envelope), .intotoV002(let entry)):
            try requirePayloadHash(entry.payloadHash, of: envelope, mismatch: mismatch)
        case (.messageSignature, _):
            throw mismatch("a message signature needs a hashedrekord 0.0.1 entry, not \(body.kind) \(body.apiVersion)")
        case (.dsseEnvelope, _):
            throw mismatch("a DSSE envelope needs a dsse 0.0.1 or intoto 0.0.2 entry, not \(body.kind) \(body.apiVersion)")
        }
        return boundKey
    }

    private func requirePayloadHash(_ recorded: Digest, of envelope: DSSEEnvelope,
                                    mismatch: (String) -> VerificationFailure) throws(VerificationFailure) {
        guard recorded.algorithm == .sha256, recorded == Digest.of(envelope.payload) else {
            throw mismatch("its payload hash \(recorded) is not the SHA-256 of the envelope payload")
        }
    }

    /// For key policies: every entry bound to a key must name the key that verified the signature.
    func requireBoundKey(_ entries: [CheckedLogEntry], signerKey: PublicKey,
                         subject: BundleSubject) throws(VerificationFailure) {
        guard subject.leaf == nil else { return }
        for entry in entries {
            if let bound = entry.boundKey, bound != signerKey {
                throw VerificationFailure(.transparencyLog, "log index \(entry.verified.logIndex) records \(bound), but the signature verifies with \(signerKey)")
            }
        }
    }
}
