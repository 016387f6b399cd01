import AirlockJSON
import AirlockCrypto
import DurableFiles
import Foundation
import Sigstore

/// Reading the files a verification takes: public keys, bundles, detached signatures,
/// certificates, and the artifact argument (`FILE` or `sha256:HEX`).
enum VerificationInputs {
    /// A PEM public key file (`cosign.pub`).
    static func publicKey(_ path: String) throws -> PublicKey {
        let pem = String(decoding: try document(path, limit: InputFile.keyLimit, what: "public key"), as: UTF8.self)
        do {
            return try PublicKey(pem: pem)
        } catch {
            throw CommandFailure("\(path): \(error)")
        }
    }

    /// A blob's bundle file: a Sigstore bundle, or cosign's legacy blob bundle (which may take
    /// a detached RFC 3161 timestamp, DER).
    static func bundle(_ path: String, detachedTimestamp: Data? = nil) throws -> SigstoreBundle {
        let data = try document(path, limit: SigstoreBundle.jsonLimits.maxBytes, what: "bundle")
        do {
            return try SigstoreBundle.blobBundle(json: data, detachedTimestamp: detachedTimestamp)
        } catch {
            throw CommandFailure("\(path): \(error)")
        }
    }

    /// A document that is not secret, read in growing steps (so a large limit costs nothing
    /// for a small file); pipes work too.
    static func document(_ path: String, limit: Int, what: String) throws -> Data {
        do {
            return try OpenFile.open(path, flags: O_RDONLY).readAll(limit: limit)
        } catch where error.kind == .overLimit {
            throw CommandFailure("the \(what) \(path) is larger than \(limit >> 20) MiB")
        } catch {
            throw CommandFailure("cannot read the \(what) \(path): \(error.reason)")
        }
    }

    /// A detached signature, raw or base64 (cosign writes base64; surrounding white space ignored).
    static func signature(_ path: String) throws -> Data {
        let bytes = try InputFile.bytes(path, limit: 64 * 1024, what: "signature")
        let text = String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        if !text.isEmpty, let decoded = Base64.decodeLenient(text) { return decoded }
        guard !bytes.isEmpty else { throw CommandFailure("the signature file \(path) is empty") }
        return Data(bytes)
    }

    /// cosign's detached timestamp file, `{"SignedRFC3161Timestamp": base64}`; returns the DER token.
    static func detachedTimestamp(_ path: String) throws -> Data {
        let data = try document(path, limit: 1 << 20, what: "timestamp")
        do {
            return try LegacyBlobBundle.detachedTimestamp(json: data)
        } catch {
            throw CommandFailure("\(path): \(error)")
        }
    }

    /// A certificate file: PEM, or DER.
    static func certificate(_ path: String) throws -> Certificate {
        let bytes = Data(try InputFile.bytes(path, limit: Certificate.maximumDERSize * 2, what: "certificate"))
        do {
            if bytes.first == 0x30 { return try Certificate(der: bytes) }
            return try Certificate(pem: String(decoding: bytes, as: UTF8.self))
        } catch {
            throw CommandFailure("\(path): \(error)")
        }
    }

    /// `sha256:HEX` (or another supported `alg:hex`) as a digest; anything else as a file,
    /// which must be readable.
    static func artifact(_ argument: String) throws -> VerificationArtifact {
        var isDirectory: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: argument, isDirectory: &isDirectory)
        if !exists, let digest = try? Digest(parsing: argument) {
            return .digest(digest)
        }
        guard FileManager.default.isReadableFile(atPath: argument) else {
            throw CommandFailure("cannot read the artifact \(argument) (give a file or sha256:HEX)")
        }
        guard !isDirectory.boolValue else { throw CommandFailure("the artifact \(argument) is a directory") }
        return .file(URL(fileURLWithPath: argument))
    }
}
