import AirlockCrypto
import Foundation

/// Reads an artifact at most once per need: digests in one streaming pass over all requested
/// algorithms; the whole content only for Ed25519, which signs the message itself (a file is
/// then memory-mapped, not copied).
final class ArtifactReader {
    private let artifact: VerificationArtifact
    private var digests: [DigestAlgorithm: Digest] = [:]
    private var content: Data?

    /// Bytes read from a file per step.
    static let chunkSize = 1 << 20

    init(_ artifact: VerificationArtifact) {
        self.artifact = artifact
    }

    /// The artifact's digests for `algorithms` (computed together, remembered).
    func digests(_ algorithms: Set<DigestAlgorithm>) throws(VerificationFailure) -> [DigestAlgorithm: Digest] {
        let missing = algorithms.subtracting(digests.keys).sorted { $0.byteCount < $1.byteCount }
        if !missing.isEmpty {
            let streams = missing.map { DigestStream($0) }
            try forEachChunk { chunk in streams.forEach { $0.update(chunk) } }
            for stream in streams { digests[stream.algorithm] = stream.finish() }
        }
        return digests.filter { algorithms.contains($0.key) }
    }

    func digest(_ algorithm: DigestAlgorithm) throws(VerificationFailure) -> Digest {
        guard let digest = try digests([algorithm])[algorithm] else {
            throw VerificationFailure(.artifactDigest, "cannot hash the artifact with \(algorithm.rawValue)")
        }
        return digest
    }

    /// The whole artifact.
    func contents() throws(VerificationFailure) -> Data {
        if let content { return content }
        let data: Data
        switch artifact {
        case .bytes(let bytes): data = bytes
        case .file(let url):
            do {
                data = try Data(contentsOf: url, options: .alwaysMapped)
            } catch {
                throw Self.unreadable(url, error)
            }
        case .digest:
            throw VerificationFailure(.signature, "the signature needs the artifact itself, not only its digest")
        }
        content = data
        return data
    }

    private func forEachChunk(_ body: (Data) -> Void) throws(VerificationFailure) {
        switch artifact {
        case .bytes(let bytes):
            body(bytes)
        case .file(let url):
            do {
                let handle = try FileHandle(forReadingFrom: url)
                defer { try? handle.close() }
                while let chunk = try handle.read(upToCount: Self.chunkSize), !chunk.isEmpty {
                    body(chunk)
                }
            } catch {
                throw Self.unreadable(url, error)
            }
        case .digest:
            throw VerificationFailure(.artifactDigest, "only the artifact's digest is known")
        }
    }

    private static func unreadable(_ url: URL, _ error: Error) -> VerificationFailure {
        VerificationFailure(.artifactDigest, "cannot read the artifact \(url.path): \(error.localizedDescription)")
    }
}
