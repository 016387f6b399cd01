import AirlockCrypto
import Foundation
import OCI

/// What `airlock inspect` found: the images of a tarball or layout with their platforms and
/// attachments, the trust material a tarball carries, and the verdicts of any checks.
public struct InspectReport: Sendable {
    /// The tarball or layout path.
    public let source: String
    public let isArchive: Bool
    public let images: [ImageEntry]
    /// `index.json` entries that belong to no image: `unpack` would refuse the tarball.
    public let unattached: [UnattachedEntry]
    /// Paths of the trust material under `airlock/` (tarballs only).
    public let trustMaterial: [String]
    /// The tarball's `airlock/contents.json`, if it has one (descriptive only).
    public let contents: ContentsFile?
    public let reports: [ArrivalReport]
    /// True when reading stopped before the image layers (airlock tarballs).
    public let stoppedBeforeContent: Bool
    /// Why `unpack` would refuse the tarball (or the layout as a tarball) before judging its
    /// images, with the checks given (`ImageCatalog.arrivalRefusal`); nil when it would not.
    public let arrivalRefusal: String?
}

/// Reads the images of a tarball without extracting it, or of a layout. In a tarball only the
/// small entries are read: `oci-layout`, `index.json`, `airlock/…` and blobs up to the
/// manifest size limit, into a temporary directory removed afterwards. An airlock tarball
/// lists its layer blobs in `airlock/contents.json` (written before any blob), so reading stops
/// at the first of them; a foreign tarball is read to its end, skipping large blobs' data.
public struct Inspector {
    private let limits: ArchiveLimits

    public init(limits: ArchiveLimits = ArchiveLimits()) {
        self.limits = limits
    }

    public func inspect(archive: URL, checks: [any ArrivalCheck] = []) throws -> InspectReport {
        let staging = try StagingArea.createTemporary()
        defer { staging.remove() }
        let reader = ArchiveEntryReader(reader: try TarReader(path: archive.path), limits: limits)
        let stager = ArchiveStager(reader: reader, staging: staging, durable: false)
        var contents: ContentsFile?
        var contentBlobs = Set<String>()
        var stopped = false
        stager.fileStaged = { entry, path in
            guard entry == .airlockFile("contents.json") else { return }
            let parsed = try ContentsFile.decode(try readFile(URL(fileURLWithPath: path), limit: 64 << 20, what: "contents.json"))
            contents = parsed
            contentBlobs = Set(parsed.blobs.filter { $0.section == .content }.map(\.digest))
        }
        stager.select = { file in
            guard case .blob(let digest) = file.entry else { return .stage }
            if contentBlobs.contains(digest.description) {
                stopped = true
                return .stop
            }
            return file.size <= Int64(OCILimits.maxManifestBytes) ? .stage : .skip
        }
        let staged = try stager.stage()
        let layout = try StagedLayoutReview(staged: staged, destination: nil).layout
        let catalog = try ImageCatalog(layout: layout)
        let images = try catalog.images()
        let trust = staged.airlockFiles.keys.filter { $0 != "contents.json" }.sorted().map { "airlock/\($0)" }
        let offered = ArchiveTrustMaterial(staged: staged)
        let reports = try checks.map { try $0.check(staged: layout, images: images, archiveTrustMaterial: offered) }
        return InspectReport(source: archive.path, isArchive: true, images: images, unattached: catalog.unattached, trustMaterial: trust, contents: contents,
                             reports: reports, stoppedBeforeContent: stopped, arrivalRefusal: catalog.arrivalRefusal(checking: !checks.isEmpty))
    }

    public func inspect(layout directory: URL, checks: [any ArrivalCheck] = []) throws -> InspectReport {
        let layout = try OCILayout.open(at: directory)
        let catalog = try ImageCatalog(layout: layout)
        let images = try catalog.images()
        let reports = try checks.map { try $0.check(staged: layout, images: images, archiveTrustMaterial: ArchiveTrustMaterial(files: [:])) }
        return InspectReport(source: directory.path, isArchive: false, images: images, unattached: catalog.unattached, trustMaterial: [], contents: nil,
                             reports: reports, stoppedBeforeContent: false,
                             arrivalRefusal: catalog.arrivalRefusal(checking: !checks.isEmpty, holder: "the layout"))
    }
}
