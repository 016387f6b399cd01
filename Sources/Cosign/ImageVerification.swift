import AirlockCrypto

/// The verdict on one signature found for an image.
public struct SignatureCheck: Sendable {
    public let format: SignatureFormat
    /// The payload layer digest (legacy) or referrer manifest digest (bundle).
    public let digest: Digest
    /// Where the signature was found.
    public let location: String
    /// The trusted key that verified it (also when a later claim check failed).
    public let key: TrustedKey?
    /// The certificate identity (subject alternative name) and issuer that signed it, keyless.
    public let identity: String?
    public let issuer: String?
    public let accepted: Bool
    /// What was checked when accepted; otherwise the failed check and why (`check: reason`).
    public let reason: String
    /// Things the verifier did not check, one line each.
    public let notes: [String]
}

/// The verdict on one image: every signature found, and the overall decision.
public struct ImageVerification: Sendable {
    /// The image (manifest or index) digest the signatures had to name.
    public let digest: Digest
    public let signatures: [SignatureCheck]
    public let passed: Bool
    /// Why the image passed or not (e.g. `2 of 3 keys verified (threshold 2)`, `no signatures found`).
    public let reason: String
}
