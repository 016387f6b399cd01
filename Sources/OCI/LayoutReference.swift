import AirlockCrypto
import Foundation

/// A reference to an image in a layout directory, as written on the command line:
/// `DIR` (the only image), `DIR:TAG` (the `index.json` entry tagged TAG) or
/// `DIR@sha256:HEX` (that manifest or index).
///
/// Only the last path component can carry a tag or digest, so `DIR` may contain `:` or `@`
/// in earlier components (`/data/v1:old/layout:v2` is directory `/data/v1:old/layout`, tag
/// `v2`). A trailing `/` ends the directory with no tag (`./odd:name/`). Resolve it with
/// `OCILayout.resolve(_:)`.
public struct LayoutReference: Hashable, Sendable, CustomStringConvertible {
    /// Which image of the layout is meant.
    public enum Selector: Hashable, Sendable {
        /// The layout's only image (or cosign save's `kind=…/image` / `…/imageIndex` entry).
        case soleImage
        /// The `index.json` entry whose `org.opencontainers.image.ref.name` is this tag.
        case tag(String)
        /// The manifest or index with this digest, listed in `index.json` or stored as a blob.
        case digest(Digest)
    }

    /// The layout directory as written (without the tag or digest).
    public let path: String
    public let selector: Selector

    public init(path: String, selector: Selector) {
        self.path = path
        self.selector = selector
    }

    /// Parses `DIR`, `DIR:TAG` or `DIR@ALG:HEX`.
    public init(parsing text: String) throws {
        let lastSlash = text.lastIndex(of: "/")
        let lastComponentStart = lastSlash.map { text.index(after: $0) } ?? text.startIndex
        let lastComponent = text[lastComponentStart...]
        var path = text
        var selector = Selector.soleImage
        if let at = lastComponent.lastIndex(of: "@") ?? Self.digestLikeSuffix(of: text) {
            path = String(text[..<at])
            let digestText = String(text[text.index(after: at)...])
            do {
                selector = .digest(try Digest(parsing: digestText))
            } catch {
                throw OCIError(.malformed, "reference \"\(text.prefix(200))\": \(error)")
            }
        } else if let colon = lastComponent.lastIndex(of: ":") {
            path = String(text[..<colon])
            let tag = String(text[text.index(after: colon)...])
            guard Self.isValidTag(tag) else {
                throw OCIError(.malformed, "reference \"\(text.prefix(200))\": \"\(tag.prefix(200))\" is not a valid tag ([A-Za-z0-9_][A-Za-z0-9_.-]{0,127})")
            }
            selector = .tag(tag)
        }
        guard !path.isEmpty else {
            throw OCIError(.malformed, "reference \"\(text.prefix(200))\" names no layout directory")
        }
        self.init(path: path, selector: selector)
    }

    /// The layout directory.
    public var directory: URL { URL(fileURLWithPath: path) }

    public var description: String {
        switch selector {
        case .soleImage: path
        case .tag(let tag): "\(path):\(tag)"
        case .digest(let digest): "\(path)@\(digest)"
        }
    }

    /// The `@` of a trailing `@alg:…` that contains a `/` (e.g. `dir@sha256:../../x`): a
    /// digest that cannot be valid, reported as such rather than taken as part of DIR.
    private static func digestLikeSuffix(of text: String) -> String.Index? {
        guard let at = text.lastIndex(of: "@") else { return nil }
        let rest = text[text.index(after: at)...]
        guard let colon = rest.firstIndex(of: ":") else { return nil }
        let algorithm = rest[..<colon]
        let looksLikeAlgorithm = !algorithm.isEmpty && algorithm.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber) }
        return looksLikeAlgorithm ? at : nil
    }

    /// A Docker-style tag: `[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}`. Tags written by airlock
    /// (`OCILayout.tag`) must be valid; tags read from other layouts are compared verbatim.
    public static func isValidTag(_ tag: String) -> Bool {
        let bytes = Array(tag.utf8)
        guard let first = bytes.first, bytes.count <= 128 else { return false }
        func isWord(_ byte: UInt8) -> Bool {
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "_")
        }
        return isWord(first) && bytes.dropFirst().allSatisfy { isWord($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "-") }
    }
}
