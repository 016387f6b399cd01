extension MediaType {
    /// Whether `text` is a media type by RFC 6838 (what the OCI image spec requires of
    /// `mediaType` and `artifactType`): `type/subtype`, each a restricted-name of 1–127
    /// characters (a letter or digit, then letters, digits and `!#$&-^_.+`), optionally
    /// followed by parameters `; name=value` whose name is a restricted-name and whose value is
    /// an RFC 9110 token or a quoted string of printable ASCII. Nothing else: no control
    /// characters, no spaces inside names, no non-ASCII text.
    public static func isWellFormed(_ text: String) -> Bool {
        var scanner = ByteScanner(Array(text.utf8))
        guard scanner.restrictedName(), scanner.take(UInt8(ascii: "/")), scanner.restrictedName() else { return false }
        while !scanner.atEnd {
            scanner.skipSpaces()
            guard scanner.take(UInt8(ascii: ";")) else { return false }
            scanner.skipSpaces()
            guard scanner.restrictedName(), scanner.take(UInt8(ascii: "=")), scanner.token() || scanner.quotedString() else {
                return false
            }
            scanner.skipSpaces()
        }
        return true
    }
}

/// A cursor over the bytes of a media type, one grammar rule per method; each rule consumes
/// what it matched and says whether it matched.
private struct ByteScanner {
    static let restrictedNameSymbols = Set("!#$&-^_.+".utf8)
    static let tokenSymbols = Set("!#$%&'*+-.^_`|~".utf8)

    let bytes: [UInt8]
    var position = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var atEnd: Bool { position == bytes.count }

    mutating func take(_ byte: UInt8) -> Bool {
        guard position < bytes.count, bytes[position] == byte else { return false }
        position += 1
        return true
    }

    mutating func skipSpaces() {
        while take(UInt8(ascii: " ")) {}
    }

    /// RFC 6838 §4.2 restricted-name.
    mutating func restrictedName() -> Bool {
        guard position < bytes.count, Self.isAlphanumeric(bytes[position]) else { return false }
        let start = position
        position += 1
        while position < bytes.count, position - start < 127,
              Self.isAlphanumeric(bytes[position]) || Self.restrictedNameSymbols.contains(bytes[position]) {
            position += 1
        }
        return true
    }

    /// RFC 9110 token: one or more tchar.
    mutating func token() -> Bool {
        let start = position
        while position < bytes.count, Self.isAlphanumeric(bytes[position]) || Self.tokenSymbols.contains(bytes[position]) {
            position += 1
        }
        return position > start
    }

    /// RFC 9110 quoted-string limited to printable ASCII (no tab, no obs-text).
    mutating func quotedString() -> Bool {
        guard take(UInt8(ascii: "\"")) else { return false }
        while position < bytes.count {
            let byte = bytes[position]
            guard byte >= 0x20, byte < 0x7F else { return false }
            position += 1
            if byte == UInt8(ascii: "\"") { return true }
            if byte == UInt8(ascii: "\\") {
                guard position < bytes.count, bytes[position] >= 0x20, bytes[position] < 0x7F else { return false }
                position += 1
            }
        }
        return false
    }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte | 0x20) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }
}
