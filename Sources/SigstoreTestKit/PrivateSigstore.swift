import AirlockCrypto
import Foundation
import Sigstore

/// A private Sigstore instance for tests: a Fulcio-like CA (root and intermediate), a CT log,
/// a Rekor v1 log and a Rekor v2 log with real Merkle trees, an RFC 3161 timestamp authority,
/// and the `trusted_root.json` that trusts exactly them. `makeBundle` produces bundles of every
/// shape; tests change one thing (a recipe knob, a field of the bundle, or the trusted root)
/// per negative case.
public final class PrivateSigstore {
    /// Times, names and validity windows of the instance.
    public struct Configuration: Sendable {
        /// When bundles are signed (2025-06-15T14:40:00Z by default).
        public var signingTime = Date(timeIntervalSince1970: 1_750_000_800)
        /// The Fulcio root and intermediate validity (and the trusted root's CA `validFor` start).
        public var caNotBefore: Date?
        public var caNotAfter: Date?
        /// The intermediate's own end of validity, when it differs (an expired CA).
        public var intermediateNotAfter: Date?
        public var fulcioURL = "https://fulcio.airlock.test"
        public var ctLogURL = "https://ct.airlock.test/2025"
        public var rekorV1URL = "https://rekor.airlock.test"
        public var rekorV2URL = "https://log2025-1.rekor.airlock.test"
        public var timestampAuthorityURL = "https://tsa.airlock.test/api/v1/timestamp"
        /// Leaves appended to each log before any bundle, so proofs are not trivial.
        public var paddingLeaves = 5

        public init() {}
    }

    public static let day: TimeInterval = 86_400

    public let configuration: Configuration
    public let fulcioRootKey: PrivateKey
    public let fulcioRoot: Certificate
    public let fulcioIntermediateKey: PrivateKey
    public let fulcioIntermediate: Certificate
    public let ctLogKey: PrivateKey
    public let rekorV1: TestLog
    public let rekorV2: TestLog
    public let timestampAuthorityRoot: Certificate
    public let timestampAuthority: TimestampIssuer
    /// The trust material of this instance.
    public let trustedRoot: TrustedRoot

    public var signingTime: Date { configuration.signingTime }
    /// A verification time one day after signing (the leaf certificates have long expired, as
    /// in real use).
    public var verificationTime: Date { signingTime + Self.day }

    public init(_ configuration: Configuration = Configuration()) throws {
        self.configuration = configuration
        let signingTime = configuration.signingTime
        let caNotBefore = configuration.caNotBefore ?? signingTime - 365 * Self.day
        let caNotAfter = configuration.caNotAfter ?? signingTime + 3650 * Self.day
        fulcioRootKey = try PrivateKey.generateP256()
        fulcioRoot = try Self.caBuilder("sigstore-root", key: fulcioRootKey, notBefore: caNotBefore, notAfter: caNotAfter, pathLength: 1)
            .selfSign(with: fulcioRootKey)
        fulcioIntermediateKey = try PrivateKey.generateP256()
        var intermediate = try Self.caBuilder("sigstore-intermediate", key: fulcioIntermediateKey, notBefore: caNotBefore,
                                              notAfter: configuration.intermediateNotAfter ?? caNotAfter, pathLength: 0)
        intermediate.extendedKeyUsages = [ExtendedKeyUsage.codeSigning]
        fulcioIntermediate = try intermediate.issue(issuer: fulcioRoot, issuerKey: fulcioRootKey)
        ctLogKey = try PrivateKey.generateP256()
        rekorV1 = try TestLog(version: .v1, baseURL: configuration.rekorV1URL, paddingLeaves: configuration.paddingLeaves)
        rekorV2 = try TestLog(version: .v2, baseURL: configuration.rekorV2URL, paddingLeaves: configuration.paddingLeaves)

        let tsaRootKey = try PrivateKey.generateP256()
        timestampAuthorityRoot = try Self.caBuilder("tsa-root", key: tsaRootKey, notBefore: caNotBefore, notAfter: caNotAfter, pathLength: 0)
            .selfSign(with: tsaRootKey)
        let tsaKey = try PrivateKey.generateP256()
        var tsaLeaf = try CertificateBuilder(publicKey: tsaKey.publicKey, notBefore: caNotBefore, notAfter: caNotAfter)
        tsaLeaf.subjectOrganization = "airlock test kit"
        tsaLeaf.subjectCommonName = "tsa-leaf"
        tsaLeaf.keyUsage = [.digitalSignature]
        tsaLeaf.extendedKeyUsages = [ExtendedKeyUsage.timeStamping]
        tsaLeaf.isExtendedKeyUsageCritical = true
        let tsaCertificate = try tsaLeaf.issue(issuer: timestampAuthorityRoot, issuerKey: tsaRootKey)
        timestampAuthority = try TimestampIssuer(certificate: tsaCertificate, key: tsaKey, chain: [timestampAuthorityRoot])

        let logStart = signingTime - 365 * Self.day
        trustedRoot = TrustedRoot(
            transparencyLogs: [try rekorV1.instance(validFrom: logStart), try rekorV2.instance(validFrom: logStart)],
            certificateAuthorities: [CertificateAuthority(
                subject: .init(organization: "airlock test kit", commonName: "sigstore"), uri: configuration.fulcioURL,
                certificates: [fulcioIntermediate.der, fulcioRoot.der], validFor: ValidityWindow(start: caNotBefore))],
            ctLogs: [try TransparencyLogInstance(baseURL: configuration.ctLogURL, publicKey: ctLogKey.publicKey,
                                                 validFor: ValidityWindow(start: logStart))],
            timestampAuthorities: [CertificateAuthority(
                subject: .init(organization: "airlock test kit", commonName: "tsa"), uri: configuration.timestampAuthorityURL,
                certificates: [tsaCertificate.der, timestampAuthorityRoot.der], validFor: ValidityWindow(start: caNotBefore))])
    }

    /// Issues a Fulcio-style leaf for `key`: empty subject, critical SAN, code signing, the
    /// profile's claims and an embedded SCT as the profile says.
    public func issueLeaf(for key: PublicKey, profile: LeafProfile = LeafProfile()) throws -> Certificate {
        let notBefore = profile.notBefore ?? signingTime - 30
        var builder = try CertificateBuilder(publicKey: key, notBefore: notBefore, notAfter: notBefore + profile.lifetime)
        builder.keyUsage = [.digitalSignature]
        builder.extendedKeyUsages = [ExtendedKeyUsage.codeSigning]
        builder.subjectAlternativeNames = [profile.subjectAlternativeName]
        var extensions: [CertificateExtension] = []
        if let issuer = profile.issuer {
            extensions += [FulcioClaim.issuerV1.certificateExtension(issuer), FulcioClaim.issuer.certificateExtension(issuer)]
        }
        extensions += profile.claims.sorted { $0.key < $1.key }.map { $0.key.certificateExtension($0.value) }
        builder.extraExtensions = extensions
        switch profile.sct {
        case .trustedLog: builder.embedSCT(logKey: ctLogKey, timestamp: notBefore)
        case .unknownLog: builder.embedSCT(logKey: try PrivateKey.generateP256(), timestamp: notBefore)
        case .none: break
        }
        return try builder.issue(issuer: fulcioIntermediate, issuerKey: fulcioIntermediateKey)
    }

    private static func caBuilder(_ name: String, key: PrivateKey, notBefore: Date, notAfter: Date,
                                  pathLength: Int) throws -> CertificateBuilder {
        var builder = try CertificateBuilder(publicKey: key.publicKey, notBefore: notBefore, notAfter: notAfter)
        builder.subjectOrganization = "airlock test kit"
        builder.subjectCommonName = name
        builder.basicConstraints = .init(isCA: true, pathLength: pathLength)
        builder.keyUsage = [.keyCertSign, .cRLSign]
        return builder
    }
}
