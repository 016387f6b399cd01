import AirlockCrypto
import Foundation
import Sigstore

/// What a verifier checks of a bundle: the names of the signed or verified values that differ
/// between two bundles (values present in both; removed optional evidence is not a change).
public enum SignedContent {
    public static func changes(from original: SigstoreBundle, to mutated: SigstoreBundle) -> [String] {
        var changed: [String] = []
        func compare<T: Equatable>(_ name: String, _ a: T?, _ b: T?) {
            if let a, let b, a != b { changed.append(name) }
        }
        compare("signature", original.content.signature, mutated.content.signature)
        switch (original.content, mutated.content) {
        case (.messageSignature(let a), .messageSignature(let b)):
            compare("messageDigest", a.messageDigest, b.messageDigest)
        case (.dsseEnvelope(let a), .dsseEnvelope(let b)):
            compare("payload", a.payload, b.payload)
            compare("payloadType", a.payloadType, b.payloadType)
        default:
            changed.append("content kind")
        }
        compare("certificate", original.verificationMaterial.signer.leafCertificate, mutated.verificationMaterial.signer.leafCertificate)
        for (a, b) in zip(original.verificationMaterial.tlogEntries, mutated.verificationMaterial.tlogEntries) {
            let v2 = a.kindVersion == "0.0.2" && a.kind == "hashedrekord"
            compare("logIndex", a.logIndex, b.logIndex)
            compare("logID", a.logID, b.logID)
            compare("kind", a.kind, b.kind)
            compare("kindVersion", a.kindVersion, b.kindVersion)
            if a.inclusionPromise != nil {
                compare("integratedTime", a.integratedTime, b.integratedTime)
                compare("SET", a.inclusionPromise, b.inclusionPromise)
            }
            if !v2 { compare("canonicalizedBody", a.canonicalizedBody, b.canonicalizedBody) }
            if let p = a.inclusionProof, let q = b.inclusionProof {
                compare("proof hashes", p.hashes, q.hashes)
                compare("checkpoint", signedPart(ofCheckpoint: p.checkpoint, v2: v2), signedPart(ofCheckpoint: q.checkpoint, v2: v2))
                if !v2 {
                    compare("proof logIndex", p.logIndex, q.logIndex)
                    compare("treeSize", p.treeSize, q.treeSize)
                    compare("rootHash", p.rootHash, q.rootHash)
                }
            }
        }
        for (a, b) in zip(original.verificationMaterial.rfc3161Timestamps, mutated.verificationMaterial.rfc3161Timestamps) {
            compare("timestamp", signedPart(ofTimestamp: a), signedPart(ofTimestamp: b))
        }
        return changed
    }

    /// The note text and signatures; signer names too for C2SP notes (Rekor v1 does not check
    /// names, so a renamed line is an unsigned change).
    public static func signedPart(ofCheckpoint envelope: String, v2: Bool) -> String {
        guard let note = try? (v2 ? SignedNote.parseC2SP(envelope) : SignedNote.parseRekorV1(envelope)) else { return "unparsable: \(envelope)" }
        return note.text + note.signatures.map { (v2 ? $0.name : "") + " " + ($0.keyHint + $0.signature).lowercaseHex }.joined(separator: "\n")
    }

    /// The TSTInfo values of a token: the certificates a CMS SignedData carries are not signed,
    /// and the verifier takes the TSA's certificates from the trusted root when they match.
    public static func signedPart(ofTimestamp der: Data) -> String {
        guard let token = try? TimestampToken(der: der) else { return "unparsable: \(der.lowercaseHex)" }
        return [token.genTime.timeIntervalSince1970.description, token.hashAlgorithm.rawValue, token.messageImprint.lowercaseHex,
                token.policy, token.serialNumber.lowercaseHex, token.nonce?.lowercaseHex ?? "", token.tsaName ?? ""].joined(separator: "|")
    }
}
