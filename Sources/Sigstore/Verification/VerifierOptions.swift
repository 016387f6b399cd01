import AirlockJSON
import Foundation

/// How much evidence a `SigstoreVerifier` demands (sigstore-go's `VerifierOption`s, FORMATS.md
/// §8.0) and the time it validates at. Thresholds of 0 disable a requirement.
public struct VerifierOptions: Sendable {
    /// "Now": the validation time when `usesCurrentTime`, and what messages compare against.
    /// Always explicit; nothing reads the clock behind the caller's back.
    public var now: Date
    /// Distinct logs with a verified entry (`WithTransparencyLog`). Entries present in a bundle
    /// are checked whenever a trusted root is available, even when this is 0.
    public var transparencyLogThreshold: Int
    /// Logs whose entry had a verified SET, each giving its integrated time
    /// (`WithIntegratedTimestamps`).
    public var integratedTimestampThreshold: Int
    /// Distinct timestamp authorities (by URI) with a verified RFC 3161 timestamp
    /// (`WithSignedTimestamps`); tokens are checked only when this or the observer threshold is set.
    public var signedTimestampThreshold: Int
    /// Signed plus integrated timestamps (`WithObserverTimestamps`).
    public var observerTimestampThreshold: Int
    /// Distinct CT logs with a verified embedded SCT (`WithSignedCertificateTimestamps`).
    public var sctThreshold: Int
    /// Validate certificates at `now` as well (`WithCurrentTime`).
    public var usesCurrentTime: Bool
    /// cosign's rule: a certificate bundle whose log entries are all Rekor v2 (no integrated
    /// time) needs a signed timestamp instead of an integrated one.
    public var requiresSignedTimestampForRekorV2: Bool
    /// Limits for the in-toto statement inside a DSSE envelope.
    public var statementLimits: JSONLimits

    public init(now: Date, transparencyLogThreshold: Int = 1, integratedTimestampThreshold: Int = 1,
                signedTimestampThreshold: Int = 0, observerTimestampThreshold: Int = 0, sctThreshold: Int = 1,
                usesCurrentTime: Bool = false, requiresSignedTimestampForRekorV2: Bool = true,
                statementLimits: JSONLimits = JSONLimits(maxBytes: 64 << 20, maxDepth: 64)) {
        self.now = now
        self.transparencyLogThreshold = transparencyLogThreshold
        self.integratedTimestampThreshold = integratedTimestampThreshold
        self.signedTimestampThreshold = signedTimestampThreshold
        self.observerTimestampThreshold = observerTimestampThreshold
        self.sctThreshold = sctThreshold
        self.usesCurrentTime = usesCurrentTime
        self.requiresSignedTimestampForRekorV2 = requiresSignedTimestampForRekorV2
        self.statementLimits = statementLimits
    }

    /// What cosign passes for certificates (keyless): one SCT; unless `ignoresTransparencyLog`,
    /// one log entry plus either one integrated timestamp or, with `usesSignedTimestamps`, one
    /// signed timestamp; with neither log nor TSA, validation at `now`.
    public static func keyless(now: Date, usesSignedTimestamps: Bool = false,
                               ignoresTransparencyLog: Bool = false) -> VerifierOptions {
        VerifierOptions(now: now,
                        transparencyLogThreshold: ignoresTransparencyLog ? 0 : 1,
                        integratedTimestampThreshold: ignoresTransparencyLog || usesSignedTimestamps ? 0 : 1,
                        signedTimestampThreshold: usesSignedTimestamps ? 1 : 0,
                        usesCurrentTime: ignoresTransparencyLog && !usesSignedTimestamps)
    }

    /// For static keys: offline signing writes no log entry, so nothing is required; entries a
    /// bundle does carry are still checked against the trusted root when there is one, and
    /// RFC 3161 timestamps when `usesSignedTimestamps`.
    public static func publicKey(now: Date, usesSignedTimestamps: Bool = false) -> VerifierOptions {
        VerifierOptions(now: now, transparencyLogThreshold: 0, integratedTimestampThreshold: 0,
                        signedTimestampThreshold: usesSignedTimestamps ? 1 : 0, sctThreshold: 0)
    }
}
