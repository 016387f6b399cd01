import AirlockCrypto
import Foundation
import OCI

/// A check that `unpack` runs on a staged tarball after every digest and size has been
/// verified and before anything reaches the destination; `inspect` runs it too, to show
/// verdicts. Implementations must only read `staged`.
///
/// A tarball cannot vouch for itself: the trust material it carries (`archiveTrustMaterial`)
/// may be used only when the user named it explicitly (e.g. `--trusted-root-from-archive`);
/// by default trust comes from the receiving side's own keys, roots and policies.
public protocol ArrivalCheck {
    /// Judges every image. Throws only when the check cannot run at all (e.g. unreadable key).
    func check(staged: OCILayout, images: [ImageEntry], archiveTrustMaterial: ArchiveTrustMaterial) throws -> ArrivalReport
}

/// The trust material a tarball carries under `airlock/`, as staged files (valid while the
/// check runs). Untrusted: see `ArrivalCheck`.
public struct ArchiveTrustMaterial: Sendable {
    public let files: [TrustMaterialKind: [URL]]

    public init(files: [TrustMaterialKind: [URL]]) {
        self.files = files
    }

    /// The files under `airlock/keys/`, `airlock/trusted-roots/` and `airlock/policies/`.
    init(staged: StagedArchive) {
        var files: [TrustMaterialKind: [URL]] = [:]
        for path in staged.airlockFiles.keys.sorted() {
            let parts = path.split(separator: "/")
            guard parts.count == 2, let kind = TrustMaterialKind(archiveDirectory: String(parts[0])) else { continue }
            files[kind, default: []].append(URL(fileURLWithPath: staged.staging.filePath("airlock/\(path)")))
        }
        self.init(files: files)
    }
}

/// The verdicts of one arrival check, one per image.
public struct ArrivalReport: Sendable {
    /// The outcome for one image; `reason` says which check failed, or what passed.
    public struct Verdict: Sendable, Equatable {
        public let image: Digest
        public let tag: String?
        public let passed: Bool
        public let reason: String

        public init(image: Digest, tag: String?, passed: Bool, reason: String) {
            self.image = image
            self.tag = tag
            self.passed = passed
            self.reason = reason
        }
    }

    /// What was checked (e.g. `signatures present`, `cosign key cosign.pub`).
    public let check: String
    public let verdicts: [Verdict]

    public init(check: String, verdicts: [Verdict]) {
        self.check = check
        self.verdicts = verdicts
    }

    public var passed: Bool { verdicts.allSatisfy(\.passed) }
}

/// `--require-signatures`: every image must carry at least one signature — a legacy `.sig`
/// image with a layer, or a referrer holding a Sigstore bundle or cosign signature artifact.
/// Attestations alone do not count. Presence only: nothing is verified cryptographically.
public struct SignaturePresenceCheck: ArrivalCheck {
    public init() {}

    public func check(staged: OCILayout, images: [ImageEntry], archiveTrustMaterial: ArchiveTrustMaterial) throws -> ArrivalReport {
        ArrivalReport(check: "signatures present", verdicts: images.map { image in
            let signatures = image.attachments.filter(Self.isSignature)
            return ArrivalReport.Verdict(
                image: image.digest, tag: image.tag, passed: !signatures.isEmpty,
                reason: signatures.isEmpty ? "no signature or Sigstore bundle is attached" : "\(signatures.count) signature artifact(s) attached")
        })
    }

    static func isSignature(_ attachment: Attachment) -> Bool {
        switch attachment.kind {
        case .signatures:
            return attachment.layerCount > 0
        case .referrer:
            guard let type = attachment.artifactType else { return false }
            return type.hasPrefix(MediaType.sigstoreBundlePrefix) || type == MediaType.cosignSignatureArtifact
        case .attestations, .sbom:
            return false
        }
    }
}
