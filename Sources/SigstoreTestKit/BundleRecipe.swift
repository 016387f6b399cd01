import AirlockCrypto
import Foundation
import Sigstore

/// How `PrivateSigstore.makeBundle` signs: what, with what, in which bundle version, logged
/// where, timestamped or not. Fluent: `BundleRecipe().dsse().version(.v0_1).log(.rekorV1)`.
public struct BundleRecipe: Sendable {
    public enum Content: Sendable {
        case messageSignature
        /// An in-toto statement with the artifact's SHA-256 as its subject.
        case dsse(predicateType: String)
    }

    public enum Signer: Sendable {
        case certificate(LeafProfile)
        case key(PrivateKey)
    }

    public enum Log: Sendable {
        case none
        case rekorV1
        case rekorV2
    }

    public var artifact: Data
    public var content: Content = .messageSignature
    public var signer: Signer = .certificate(LeafProfile())
    public var version: BundleVersion = .v0_3
    public var log: Log = .rekorV1
    /// Add an RFC 3161 timestamp over the signature from the kit's TSA.
    public var timestamped = false
    /// The scheme of a DSSE signature; nil for the key's default (pure Ed25519 for Ed25519
    /// keys). cosign 3 signs envelopes with Ed25519ph (FORMATS.md §1.6).
    public var envelopeScheme: SignatureScheme?
    /// Flip one bit of the signature before it is logged and timestamped: a bad signature
    /// that the log and the TSA vouch for, so the signature check alone can catch it.
    public var flipsSignatureBit = false

    public init(artifact: Data = Data("airlock test artifact\n".utf8)) {
        self.artifact = artifact
    }

    public func dsse(predicateType: String = "https://slsa.dev/provenance/v1") -> BundleRecipe {
        with { $0.content = .dsse(predicateType: predicateType) }
    }

    public func version(_ version: BundleVersion) -> BundleRecipe { with { $0.version = version } }

    public func log(_ log: Log) -> BundleRecipe { with { $0.log = log } }

    public func timestamped(_ timestamped: Bool = true) -> BundleRecipe { with { $0.timestamped = timestamped } }

    public func envelopeScheme(_ scheme: SignatureScheme) -> BundleRecipe { with { $0.envelopeScheme = scheme } }

    public func flippingSignatureBit() -> BundleRecipe { with { $0.flipsSignatureBit = true } }

    public func signed(by key: PrivateKey) -> BundleRecipe { with { $0.signer = .key(key) } }

    public func certificate(_ change: (inout LeafProfile) -> Void) -> BundleRecipe {
        var profile = LeafProfile()
        if case .certificate(let current) = signer { profile = current }
        change(&profile)
        return with { $0.signer = .certificate(profile) }
    }

    private func with(_ change: (inout BundleRecipe) -> Void) -> BundleRecipe {
        var copy = self
        change(&copy)
        return copy
    }
}

/// A bundle made by the kit, with what a test needs to verify or attack it.
public struct KitBundle: Sendable {
    public var bundle: SigstoreBundle
    public let artifact: Data
    public let signingKey: PrivateKey
    public let certificate: Certificate?
    /// The recipe's log, whose tree holds this bundle's entry.
    public let logVersion: TestLog.Version?

    /// The bundle's JSON (protojson shape).
    public var json: Data { bundle.encoded() }

    public var artifactDigest: Digest { Digest.of(artifact) }
}
