import Foundation
import OCI

/// A layout images are packed from: a layout directory, or a tarball (`oci-archive`,
/// `docker save`) read into a temporary staging area that lives as long as this value.
final class SourceLayout {
    let layout: OCILayout
    /// How the source is named in messages.
    let displayName: String
    private let staging: StagingArea?

    private init(layout: OCILayout, displayName: String, staging: StagingArea?) {
        self.layout = layout
        self.displayName = displayName
        self.staging = staging
    }

    /// Opens the layout `reference` names, reading it from a tarball when its path is a file.
    static func open(_ reference: LayoutReference, limits: ArchiveLimits) throws -> SourceLayout {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: reference.path, isDirectory: &isDirectory) else {
            throw TransferError(.malformed, "\(reference.path) does not exist (expected an OCI layout directory or a tarball)")
        }
        if isDirectory.boolValue {
            return SourceLayout(layout: try OCILayout.open(at: reference.directory), displayName: reference.path, staging: nil)
        }
        let staging = try StagingArea.createTemporary()
        let layout = try ArchiveImporter(limits: limits).importLayout(from: reference.path, into: staging)
        return SourceLayout(layout: layout, displayName: reference.path, staging: staging)
    }
}
