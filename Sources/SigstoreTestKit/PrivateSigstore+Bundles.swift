import AirlockCrypto
import Foundation
import Sigstore

extension PrivateSigstore {
    /// Signs `recipe.artifact` as the recipe says, logs the entry (appending to the log's
    /// tree, proof and checkpoint at the new size), timestamps it, and assembles the bundle.
    /// Bundle v0.1 and v0.2 carry the certificate as `x509CertificateChain` (leaf, intermediate).
    public func makeBundle(_ recipe: BundleRecipe = BundleRecipe()) throws -> KitBundle {
        let key: PrivateKey
        var certificate: Certificate?
        switch recipe.signer {
        case .certificate(let profile):
            key = try profile.key ?? PrivateKey.generateP256()
            certificate = try issueLeaf(for: key.publicKey, profile: profile)
        case .key(let signingKey):
            key = signingKey
        }
        var content: BundleContent
        switch recipe.content {
        case .messageSignature:
            // Ed25519 signs messages prehashed (SHA-512), so the digest is SHA-512, as Rekor v2 needs.
            let scheme = key.algorithm == .ed25519 ? SignatureScheme.ed25519ph : key.algorithm.defaultScheme
            content = .messageSignature(MessageSignature(messageDigest: Digest.of(recipe.artifact, algorithm: scheme.hash ?? .sha256),
                                                         signature: try key.sign(recipe.artifact, scheme: scheme)))
        case .dsse(let predicateType):
            let statement = InTotoStatement(subjects: [.init(name: "artifact", digest: ["sha256": Digest.of(recipe.artifact).hex])],
                                            predicateType: predicateType, predicate: ["builder": ["id": "airlock-test-kit"]])
            let payload = statement.encoded()
            let pae = DSSEEnvelope.pae(payloadType: InTotoStatement.payloadType, payload: payload)
            content = .dsseEnvelope(DSSEEnvelope(payloadType: InTotoStatement.payloadType, payload: payload,
                                                 signatures: [.init(signature: try key.sign(pae, scheme: recipe.envelopeScheme ?? key.algorithm.defaultScheme))]))
        }
        if recipe.flipsSignatureBit { content = content.flippingSignatureBit() }
        let signer: VerificationMaterial.Signer
        if let certificate {
            signer = recipe.version < .v0_3 ? .x509CertificateChain([certificate.der, fulcioIntermediate.der]) : .certificate(certificate.der)
        } else {
            signer = .publicKey(hint: key.publicKey.bundleHint)
        }
        var bundle = SigstoreBundle(version: recipe.version, verificationMaterial: VerificationMaterial(signer: signer), content: content)
        let verifier: RekorVerifier = certificate.map { .certificate($0.der) } ?? .publicKey(key.publicKey.derSPKI)
        switch recipe.log {
        case .none: break
        case .rekorV1: bundle.verificationMaterial.tlogEntries = [try rekorV1Entry(bundle, verifier: verifier)]
        case .rekorV2:
            guard recipe.version >= .v0_2 else { throw CryptoError("bundle v0.1 cannot carry a Rekor v2 entry (no inclusion promise)") }
            bundle.verificationMaterial.tlogEntries = [try rekorV2Entry(bundle, verifier: verifier, keyAlgorithm: key.algorithm)]
        }
        if recipe.timestamped {
            bundle.verificationMaterial.rfc3161Timestamps = [try timestampAuthority.timestamp(bundle.content.signature, at: signingTime + 1)]
        }
        let logVersion: TestLog.Version? = switch recipe.log {
        case .none: nil
        case .rekorV1: .v1
        case .rekorV2: .v2
        }
        return KitBundle(bundle: bundle, artifact: recipe.artifact, signingKey: key, certificate: certificate, logVersion: logVersion)
    }

    /// A Rekor v1 entry: hashedrekord 0.0.1 or dsse 0.0.1 body, SET over the global index,
    /// inclusion proof at the shard index with a Rekor v1 checkpoint.
    private func rekorV1Entry(_ bundle: SigstoreBundle, verifier: RekorVerifier) throws -> TransparencyLogEntry {
        let body: Data
        let kind: String
        switch bundle.content {
        case .messageSignature(let message):
            guard let digest = message.messageDigest else { throw CryptoError("a message signature needs its digest") }
            body = HashedRekordV001(signature: message.signature, verifier: verifier, dataHash: digest).canonicalBody
            kind = "hashedrekord"
        case .dsseEnvelope(let envelope):
            body = DSSEEntryV001(envelopeJSON: envelope.encoded(), envelope: envelope, verifier: verifier).canonicalBody
            kind = "dsse"
        }
        let index = rekorV1.append(body)
        let globalIndex = rekorV1.shardOffset + index
        let integratedTime = Int64(signingTime.timeIntervalSince1970) + 1
        let set = try SignedEntryTimestamp.sign(canonicalizedBody: body, integratedTime: integratedTime, logID: rekorV1.logID,
                                                logIndex: globalIndex, key: rekorV1.key)
        return TransparencyLogEntry(logIndex: globalIndex, logID: rekorV1.logID, kind: kind, kindVersion: "0.0.1",
                                    integratedTime: integratedTime, inclusionPromise: set,
                                    inclusionProof: try rekorV1.inclusionProof(index: index), canonicalizedBody: body)
    }

    /// A Rekor v2 entry: the hashedrekord 0.0.2 leaf rebuilt as a verifier does, a C2SP
    /// checkpoint, no SET and no integrated time.
    private func rekorV2Entry(_ bundle: SigstoreBundle, verifier: RekorVerifier,
                              keyAlgorithm: KeyAlgorithm) throws -> TransparencyLogEntry {
        let body = try HashedRekordV002(rebuildingFrom: bundle, verifier: verifier, keyAlgorithm: keyAlgorithm).canonicalBody
        let index = rekorV2.append(body)
        return TransparencyLogEntry(logIndex: index, logID: rekorV2.logID, kind: "hashedrekord", kindVersion: "0.0.2",
                                    integratedTime: 0, inclusionPromise: nil,
                                    inclusionProof: try rekorV2.inclusionProof(index: index), canonicalizedBody: body)
    }
}
