import AirlockCrypto
import DurableFiles
import Foundation
import OCI

/// The blobs a layout already holds (digest and size), written by `airlock inventory` on
/// the receiving side and read by `pack --skip-blobs-in` to leave them out of a delta pack.
public struct Inventory: Codable, Sendable, Equatable {
    public struct Blob: Codable, Sendable, Hashable {
        public var digest: String
        public var size: Int64
    }

    /// Format version of this file.
    public var airlockInventoryVersion = 1
    public var blobs: [Blob]

    /// Largest inventory file read.
    static let maxBytes = 256 << 20

    public init(blobs: [Blob]) {
        self.blobs = blobs
    }

    /// The well-named regular blob files of `layout`, sorted by digest (contents are not hashed).
    public init(layout: OCILayout) throws {
        let stored = try layout.storedBlobs()
        blobs = stored.compactMap { blob in
            guard blob.isRegularFile, let digest = blob.digest else { return nil }
            return Blob(digest: digest.description, size: blob.size)
        }.sorted { $0.digest < $1.digest }
    }

    /// Reads an inventory file.
    public init(contentsOf url: URL) throws {
        let data = try readFile(url, limit: Self.maxBytes, what: "inventory")
        do {
            self = try JSONDecoder().decode(Inventory.self, from: data)
        } catch {
            throw TransferError(.malformed, "\(url.path) is not an airlock inventory: \(error.localizedDescription)")
        }
        guard airlockInventoryVersion == 1 else {
            throw TransferError(.malformed, "\(url.path): inventory version \(airlockInventoryVersion) is not supported")
        }
    }

    /// Pretty JSON with sorted keys and a final newline.
    public func encoded() throws -> Data {
        try stableJSON(self)
    }

    /// The sizes by digest; entries whose digest does not parse are ignored.
    var sizesByDigest: [Digest: Int64] {
        var sizes: [Digest: Int64] = [:]
        for blob in blobs {
            if let digest = try? Digest(parsing: blob.digest) { sizes[digest] = blob.size }
        }
        return sizes
    }
}

/// Pretty JSON with sorted keys and a final newline: the same value gives the same bytes.
func stableJSON<T: Encodable>(_ value: T) throws -> Data {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
    var data = try encoder.encode(value)
    data.append(0x0a)
    return data
}

/// Reads a whole file (a pipe too, e.g. `<(…)`) of at most `limit` bytes.
func readFile(_ url: URL, limit: Int, what: String) throws -> Data {
    do {
        return try OpenFile.open(url.path, flags: O_RDONLY).readAll(limit: limit)
    } catch where error.kind == .overLimit {
        throw TransferError(.malformed, "\(what) \(url.path) is over the \(ByteCount(Int64(limit))) limit")
    } catch {
        throw TransferError(error)
    }
}
