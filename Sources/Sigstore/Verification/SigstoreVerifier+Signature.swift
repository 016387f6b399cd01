import AirlockCrypto
import Foundation

extension SigstoreVerifier {
    /// Step 5 (§8.1): the signature over the artifact (message signature) or over the DSSE
    /// PAE, then the artifact binding: the message digest, or an in-toto subject. Returns the
    /// key that verified (the certificate's, or the first policy key that fits) and the statement.
    func verifySignature(_ subject: BundleSubject,
                         artifact: VerificationArtifact) throws(VerificationFailure) -> (PublicKey, InTotoStatement?) {
        let keys = subject.leaf.map { [$0.publicKey] } ?? subject.keys
        let reader = ArtifactReader(artifact)
        switch subject.bundle.content {
        case .messageSignature(let message):
            let key = try verifyMessageSignature(message, keys: keys, staticKeys: subject.leaf == nil,
                                                 artifact: artifact, reader: reader)
            return (key, nil)
        case .dsseEnvelope(let envelope):
            let pae = envelope.pae
            guard let key = keys.first(where: { key in
                Self.schemes(for: key, dsse: true, staticKey: subject.leaf == nil).contains { key.isValidSignature(subject.signature, for: pae, scheme: $0) }
            }) else {
                throw VerificationFailure(.signature, "the DSSE signature does not verify with \(Self.describeSigner(keys, staticKeys: subject.leaf == nil))")
            }
            return (key, try verifyStatement(envelope, artifact: artifact, reader: reader))
        }
    }

    /// The schemes tried for `key` (§1.6, §8.1): the curve's hash, then SHA-256 for P-384 and
    /// P-521 (sigstore-go's compatibility verifier for bundles v0.1–v0.3). Ed25519 with a
    /// certificate follows sigstore-go: pure for DSSE, prehashed for message signatures. A
    /// static Ed25519 key tries both, since cosign 3 signs image and attestation envelopes
    /// with Ed25519ph and blobs it does not upload with pure Ed25519.
    static func schemes(for key: PublicKey, dsse: Bool, staticKey: Bool) -> [SignatureScheme] {
        switch key.algorithm {
        case .ecdsaP256: [.ecdsa(.sha256)]
        case .ecdsaP384: [.ecdsa(.sha384), .ecdsa(.sha256)]
        case .ecdsaP521: [.ecdsa(.sha512), .ecdsa(.sha256)]
        case .rsa: [.rsaPKCS1v15(.sha256)]
        case .ed25519:
            switch (dsse, staticKey) {
            case (true, false): [.ed25519]
            case (false, false): [.ed25519ph]
            case (true, true): [.ed25519, .ed25519ph]
            case (false, true): [.ed25519ph, .ed25519]
            }
        }
    }

    private func verifyMessageSignature(_ message: MessageSignature, keys: [PublicKey], staticKeys: Bool,
                                        artifact: VerificationArtifact,
                                        reader: ArtifactReader) throws(VerificationFailure) -> PublicKey {
        let signature = message.signature
        let candidates = keys.map { ($0, Self.schemes(for: $0, dsse: false, staticKey: staticKeys)) }
        let signer = Self.describeSigner(keys, staticKeys: staticKeys)
        if case .digest(let digest) = artifact {
            guard let claimed = message.messageDigest else {
                throw VerificationFailure(.artifactDigest, "the bundle's message signature carries no digest to compare with \(digest)")
            }
            guard claimed == digest else {
                throw VerificationFailure(.artifactDigest, "the bundle signs \(claimed), not the artifact digest \(digest)")
            }
            var usable = false
            for (key, schemes) in candidates {
                for scheme in schemes where scheme.hash == digest.algorithm && scheme != .ed25519ph {
                    usable = true
                    if key.isValidSignature(signature, forDigest: digest.bytes, scheme: scheme) { return key }
                }
            }
            guard usable else {
                throw VerificationFailure(.signature, "a \(candidates.flatMap(\.1).map(\.description).joined(separator: "/")) signature cannot be checked against a \(digest.algorithm.rawValue) digest alone; pass the artifact itself")
            }
            throw VerificationFailure(.signature, "the signature over \(digest) does not verify with \(signer)")
        }
        var algorithms = Set(candidates.flatMap(\.1).compactMap { scheme in scheme == .ed25519ph ? nil : scheme.hash })
        if let claimed = message.messageDigest { algorithms.insert(claimed.algorithm) }
        let digests = try reader.digests(algorithms)
        var signerKey: PublicKey?
        search: for (key, schemes) in candidates {
            for scheme in schemes {
                let valid: Bool
                if scheme == .ed25519 || scheme == .ed25519ph {
                    valid = key.isValidSignature(signature, for: try reader.contents(), scheme: scheme)
                } else if let hash = scheme.hash, let digest = digests[hash] {
                    valid = key.isValidSignature(signature, forDigest: digest.bytes, scheme: scheme)
                } else {
                    valid = false
                }
                if valid {
                    signerKey = key
                    break search
                }
            }
        }
        guard let signerKey else {
            throw VerificationFailure(.signature, "the signature over the artifact does not verify with \(signer)")
        }
        if let claimed = message.messageDigest, digests[claimed.algorithm] != claimed {
            throw VerificationFailure(.artifactDigest, "the bundle's message digest \(claimed) is not the artifact's")
        }
        return signerKey
    }

    /// The in-toto statement of a verified envelope and its subject check (§8.1 step 5).
    private func verifyStatement(_ envelope: DSSEEnvelope, artifact: VerificationArtifact,
                                 reader: ArtifactReader) throws(VerificationFailure) -> InTotoStatement {
        guard envelope.payloadType == InTotoStatement.payloadType else {
            throw VerificationFailure(.statement, "DSSE payload type \"\(envelope.payloadType.prefix(80))\" is not \(InTotoStatement.payloadType)")
        }
        let statement: InTotoStatement
        do {
            statement = try InTotoStatement(json: envelope.payload, limits: options.statementLimits)
        } catch {
            throw VerificationFailure(.statement, error.message)
        }
        let digest: Digest
        if case .digest(let given) = artifact {
            digest = given
        } else {
            let present = Set(statement.subjects.flatMap(\.digest.keys))
            guard let best = [DigestAlgorithm.sha512, .sha384, .sha256].first(where: { present.contains($0.rawValue) }) else {
                throw VerificationFailure(.statement, "no subject has a sha256, sha384 or sha512 digest")
            }
            digest = try reader.digest(best)
        }
        guard statement.hasSubject(matching: digest) else {
            throw VerificationFailure(.artifactDigest, "no subject of the in-toto statement has the artifact digest \(digest)")
        }
        return statement
    }

    /// Who was expected to sign, for failure messages: the certificate's key, or the policy keys.
    private static func describeSigner(_ keys: [PublicKey], staticKeys: Bool) -> String {
        guard staticKeys else { return "the certificate's key" }
        return keys.count == 1 ? "the verification key" : "any of the \(keys.count) verification keys"
    }
}
