import AirlockJSON
import AirlockCrypto
import Foundation
import OCI
import Sigstore

/// A Sigstore bundle stored as an OCI 1.1 referrer manifest, as cosign 3 pushes it
/// (FORMATS.md §4.2): the empty `{}` config, exactly one bundle layer, the bundle
/// annotations, and `subject` = the signed manifest.
public struct BundleReferrer: Sendable, Equatable {
    /// The manifest bytes to store.
    public let manifestBytes: Data
    /// The bundle layer's descriptor.
    public let bundleLayer: Descriptor

    /// The referrer of `bundle` (bytes of a v0.3 bundle) about `subject`, whose statement has
    /// `predicateType`, created at `created` (RFC 3339 UTC, whole seconds).
    public init(bundle: Data, subject: Descriptor, predicateType: String, created: Date) {
        let artifactType = MediaType.sigstoreBundleV03
        bundleLayer = Descriptor(mediaType: artifactType, content: bundle)
        var config = Descriptor.emptyJSON
        config.artifactType = artifactType
        let manifest = ImageManifest(
            artifactType: artifactType, config: config, layers: [bundleLayer],
            subject: Descriptor(mediaType: subject.mediaType, digest: subject.digest, size: subject.size),
            annotations: [
                CosignAnnotation.bundleContent: CosignAnnotation.dsseEnvelopeContent,
                CosignAnnotation.bundlePredicateType: predicateType,
                AnnotationKey.created: Self.timestamp(created),
            ])
        manifestBytes = GoManifestJSON.manifest(manifest)
    }

    /// `2026-07-24T18:31:58Z`: RFC 3339 in UTC, whole seconds.
    static func timestamp(_ date: Date) -> String {
        RFC3339.format(Date(timeIntervalSince1970: date.timeIntervalSince1970.rounded(.down)))
    }

    /// The creation time to record: `SOURCE_DATE_EPOCH` (decimal Unix seconds) when set,
    /// else `now`. A malformed value is an error rather than silently ignored.
    public static func creationTime(environment: [String: String], now: Date) throws(CosignError) -> Date {
        guard let text = environment["SOURCE_DATE_EPOCH"] else { return now }
        guard !text.isEmpty, text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
              let seconds = Int64(text), seconds <= 253_402_300_799 else {
            throw CosignError("SOURCE_DATE_EPOCH=\(text.prefix(40)) is not a number of seconds since 1970 (up to year 9999)")
        }
        return Date(timeIntervalSince1970: TimeInterval(seconds))
    }
}
