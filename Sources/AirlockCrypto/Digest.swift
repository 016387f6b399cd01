import COpenSSL
import Foundation

/// A hash algorithm used for content digests and signatures.
public enum DigestAlgorithm: String, Sendable, CaseIterable, Codable {
    case sha256
    case sha384
    case sha512

    /// Output length in bytes.
    public var byteCount: Int {
        switch self {
        case .sha256: 32
        case .sha384: 48
        case .sha512: 64
        }
    }

    var evpMD: OpaquePointer {
        switch self {
        case .sha256: EVP_sha256()
        case .sha384: EVP_sha384()
        case .sha512: EVP_sha512()
        }
    }
}

/// A content digest such as `sha256:<hex>`, the address of a blob.
public struct Digest: Hashable, Sendable, CustomStringConvertible, Comparable {
    public let algorithm: DigestAlgorithm
    /// The raw digest bytes.
    public let bytes: Data

    public init(algorithm: DigestAlgorithm, bytes: Data) {
        precondition(bytes.count == algorithm.byteCount, "digest length does not match its algorithm")
        self.algorithm = algorithm
        self.bytes = bytes
    }

    /// Parses `alg:hex`, accepting only known algorithms and lowercase hex of the right length.
    public init(parsing text: String) throws {
        guard let colon = text.firstIndex(of: ":") else {
            throw CryptoError("digest \"\(text.prefix(80))\" has no algorithm prefix")
        }
        let name = String(text[..<colon])
        let hex = String(text[text.index(after: colon)...])
        guard let algorithm = DigestAlgorithm(rawValue: name) else {
            throw CryptoError("unsupported digest algorithm \"\(name.prefix(40))\"")
        }
        guard hex.count == algorithm.byteCount * 2, let bytes = Data(lowercaseHex: hex) else {
            throw CryptoError("digest \"\(text.prefix(80))\" is not \(algorithm.byteCount * 2) lowercase hex characters")
        }
        self.init(algorithm: algorithm, bytes: bytes)
    }

    /// Lowercase hex of the digest bytes.
    public var hex: String { bytes.lowercaseHex }

    /// `alg:hex`, the OCI spelling.
    public var description: String { "\(algorithm.rawValue):\(hex)" }

    /// Digest of `data` in one call.
    public static func of<D: DataProtocol>(_ data: D, algorithm: DigestAlgorithm = .sha256) -> Digest {
        let hasher = DigestStream(algorithm)
        hasher.update(data)
        return hasher.finish()
    }

    public static func < (lhs: Digest, rhs: Digest) -> Bool { lhs.description < rhs.description }
}

/// An incremental hash over a stream of bytes; not shareable between threads.
public final class DigestStream {
    private let context: OpaquePointer
    public let algorithm: DigestAlgorithm
    private var finished = false

    public init(_ algorithm: DigestAlgorithm = .sha256) {
        self.algorithm = algorithm
        guard let context = EVP_MD_CTX_new(), EVP_DigestInit_ex(context, algorithm.evpMD, nil) == 1 else {
            fatalError("OpenSSL could not initialise \(algorithm.rawValue): \(OpenSSLErrorQueue.drain())")
        }
        self.context = context
    }

    deinit { EVP_MD_CTX_free(context) }

    public func update<D: DataProtocol>(_ data: D) {
        for region in data.regions {
            region.withUnsafeBytes { update(UnsafeRawBufferPointer($0)) }
        }
    }

    public func update(_ buffer: UnsafeRawBufferPointer) {
        precondition(!finished, "DigestStream used after finish()")
        guard buffer.count > 0 else { return }
        EVP_DigestUpdate(context, buffer.baseAddress, buffer.count)
    }

    public func finish() -> Digest {
        precondition(!finished, "DigestStream finished twice")
        finished = true
        var out = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        EVP_DigestFinal_ex(context, &out, &length)
        return Digest(algorithm: algorithm, bytes: Data(out[0..<Int(length)]))
    }
}
