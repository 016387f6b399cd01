import AirlockCrypto
import DurableFiles
import Foundation

/// An OCI image layout directory (image-spec 1.1): `oci-layout`, `index.json` and
/// content-addressed blobs under `blobs/<algorithm>/<hex>`.
///
/// Reading never writes to the directory and takes no lock (`index.json` is only ever
/// replaced atomically). Writers:
/// - blobs are streamed through `BlobWriter` into `.airlock-tmp/` inside the layout, hashed
///   while written, fsynced and renamed into place only when digest and size match;
/// - `index.json` changes go through `updateIndex`, a read-modify-write under an exclusive
///   `flock` on `<layout>/.airlock.lock`, written to a temporary file, fsynced, renamed over
///   `index.json`, and the directory fsynced. Writers in separate processes therefore never
///   lose each other's entries.
///
/// Blob paths are derived only from a parsed `Digest`, so no descriptor can name a path
/// outside `blobs/`; blobs that are symbolic links or not regular files are refused.
public struct OCILayout: Sendable {
    /// The layout directory.
    public let directory: URL

    /// Name of the lock file that serialises writers of `index.json`.
    public static let lockFileName = ".airlock.lock"
    /// Directory inside the layout that holds files being written.
    public static let temporaryDirectoryName = ".airlock-tmp"

    static let markerFileName = "oci-layout"
    static let indexFileName = "index.json"
    static let markerBytes = Data(#"{"imageLayoutVersion":"1.0.0"}"#.utf8)

    private init(directory: URL) {
        self.directory = directory
        path = directory.path
        displayName = directory.relativePath
    }

    /// The file-system path of the layout directory.
    let path: String
    /// How the layout is named in messages: the path as the caller gave it.
    let displayName: String

    /// Opens an existing layout, checking `oci-layout` (`imageLayoutVersion` 1.0.0) and that
    /// `index.json` parses.
    public static func open(at directory: URL) throws -> OCILayout {
        let layout = OCILayout(directory: directory)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: layout.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw OCIError(.notFound, "no OCI image layout at \(layout.displayName): not a directory")
        }
        try layout.checkMarker()
        _ = try layout.readIndex()
        return layout
    }

    /// Creates a new layout (and missing parent directories) with an empty index; fails if
    /// `directory` already holds a layout. An `index.json` already there without `oci-layout`
    /// (e.g. left by an interrupted create) is kept if it parses and refused otherwise.
    public static func create(at directory: URL) throws -> OCILayout {
        let layout = OCILayout(directory: directory)
        try layout.prepareDirectory()
        return try layout.withWriteLock {
            guard !layout.hasMarker else {
                throw OCIError(.refused, "\(layout.displayName) already holds an OCI image layout")
            }
            try layout.initialise()
            return layout
        }
    }

    /// Opens the layout at `directory`, creating an empty one if there is none yet. Safe to
    /// call from several processes at once; an existing layout is only read.
    public static func openOrCreate(at directory: URL) throws -> OCILayout {
        let layout = OCILayout(directory: directory)
        if layout.hasMarker { return try open(at: directory) }
        try layout.prepareDirectory()
        try layout.withWriteLock {
            if !layout.hasMarker { try layout.initialise() }
        }
        return try open(at: directory)
    }

    /// Reads and parses `index.json` as it is now.
    public func readIndex() throws -> ImageIndex {
        guard let bytes = try readFile(Self.indexFileName, limit: OCILimits.maxManifestBytes) else {
            throw OCIError(.malformed, "\(displayPath(Self.indexFileName)) is missing")
        }
        do {
            return try ImageIndex.decode(bytes)
        } catch let error as OCIError {
            throw OCIError(error.kind, "\(displayPath(Self.indexFileName)): \(error.message)")
        }
    }

    // MARK: - Paths

    // Plain string joins: these run several times per blob opened, where URL arithmetic costs.
    func filePath(_ name: String) -> String { Self.join(path, name) }
    func displayPath(_ name: String) -> String { Self.join(displayName, name) }

    private static func join(_ base: String, _ name: String) -> String { base.hasSuffix("/") ? base + name : "\(base)/\(name)" }

    /// The whole regular file `name` of the layout root (never through a symbolic link); nil
    /// when it does not exist.
    private func readFile(_ name: String, limit: Int) throws -> Data? {
        do {
            return try OpenFile.openRegularFile(filePath(name), name: displayPath(name)).readAll(limit: limit)
        } catch where error.isMissing {
            return nil
        } catch {
            throw OCIError(error)
        }
    }

    // MARK: - Creation

    private var hasMarker: Bool { FileManager.default.fileExists(atPath: filePath(Self.markerFileName)) }

    private func checkMarker() throws {
        let name = displayPath(Self.markerFileName)
        guard let bytes = try readFile(Self.markerFileName, limit: OCILimits.maxLayoutMarkerBytes) else {
            throw OCIError(.notFound, "\(displayName) is not an OCI image layout (no oci-layout file)")
        }
        struct Marker: Decodable { let imageLayoutVersion: String }
        let marker = try OCIJSON.decode(Marker.self, from: bytes, what: "oci-layout file \(name)")
        guard marker.imageLayoutVersion == "1.0.0" else {
            throw OCIError(.unsupported, "\(name): imageLayoutVersion \(marker.imageLayoutVersion.prefix(40)) is not 1.0.0")
        }
    }

    private func prepareDirectory() throws {
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw OCIError(.io, "cannot create directory \(displayName): \(error.localizedDescription)")
        }
    }

    /// Writes an empty index (unless a valid one is there) and then the marker, so that a
    /// layout with a marker is always complete; the caller holds the write lock.
    private func initialise() throws {
        try OCIError.fileSystem {
            try FileSystem.ensureDirectory(filePath("blobs"))
            try FileSystem.ensureDirectory(filePath("blobs/sha256"))
        }
        if FileManager.default.fileExists(atPath: filePath(Self.indexFileName)) {
            _ = try readIndex()
        } else {
            try writeAtomically(try OCIJSON.encode(ImageIndex(), pretty: true), to: Self.indexFileName)
        }
        try writeAtomically(Self.markerBytes, to: Self.markerFileName)
    }

    // MARK: - Locking and atomic writes

    /// Runs `body` holding the exclusive writer lock (`flock` on `.airlock.lock`).
    func withWriteLock<T>(_ body: () throws -> T) throws -> T {
        try OCIError.fileSystem {
            try OpenFile.withExclusiveLock(on: filePath(Self.lockFileName), name: displayPath(Self.lockFileName), body)
        }
    }

    /// The temporary directory inside the layout, created on first use.
    func temporaryDirectory() throws -> String {
        let path = filePath(Self.temporaryDirectoryName)
        try OCIError.fileSystem { try FileSystem.ensureDirectory(path) }
        return path
    }

    /// Replaces `name` in the layout root with `data` (mode 0644): temporary file, fsync,
    /// rename, fsync of the layout directory.
    func writeAtomically(_ data: Data, to name: String) throws {
        let temporaryDirectory = try temporaryDirectory()
        try OCIError.fileSystem {
            let file = try AtomicFile(in: temporaryDirectory, prefix: "\(name).", exactMode: true)
            try file.file.write(data)
            try file.commit(to: filePath(name))
        }
    }
}
