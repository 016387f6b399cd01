import AirlockJSON
import AirlockCrypto
import ArgumentParser
import Foundation
import Sigstore

/// `airlock trusted-root create`: writes the `trusted_root.json` of an organisation's own
/// Fulcio, Rekor, CT log and timestamp authority, for verification inside the air gap.
struct TrustedRootCreateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create",
        abstract: "Write trusted_root.json for your own Fulcio, Rekor, CT log and timestamp authority.",
        discussion: """
        Every option is repeatable; the n-th --rekor-url goes with the n-th --rekor-key (and so \
        on for the other kinds). A chain file lists intermediates first and the root last; a \
        file that starts with a self-signed root is read in reverse. Log IDs are SHA-256 of the \
        key (Rekor v1, CT, ECDSA Rekor v2); an Ed25519 key is a Rekor v2 log whose ID and \
        checkpoint name derive from its URL's host, so it needs --rekor-url.

        Every entry is trusted from --valid-from (default: now) with no end. The output has \
        media type application/vnd.dev.sigstore.trustedroot+json;version=0.1.
        """)

    @Option(name: .long, help: ArgumentHelp("PEM chain of a Fulcio CA (intermediates, then root).", valueName: "pem"))
    var fulcioChain: [String] = []

    @Option(name: .long, help: ArgumentHelp("URL of the Fulcio CA.", valueName: "url"))
    var fulcioURL: [String] = []

    @Option(name: .long, help: ArgumentHelp("PEM public key of a Rekor log.", valueName: "pem"))
    var rekorKey: [String] = []

    @Option(name: .long, help: ArgumentHelp("Base URL of the Rekor log.", valueName: "url"))
    var rekorURL: [String] = []

    @Option(name: .long, help: ArgumentHelp("PEM public key of a certificate transparency log.", valueName: "pem"))
    var ctlogKey: [String] = []

    @Option(name: .long, help: ArgumentHelp("Base URL of the CT log.", valueName: "url"))
    var ctlogURL: [String] = []

    @Option(name: .long, help: ArgumentHelp("PEM chain of a timestamp authority (signing certificate, intermediates, root).", valueName: "pem"))
    var tsaChain: [String] = []

    @Option(name: .long, help: ArgumentHelp("URL of the timestamp authority.", valueName: "url"))
    var tsaURL: [String] = []

    @Option(name: .long, help: ArgumentHelp("Start of trust for every entry: RFC 3339 (2025-01-31T00:00:00Z) or a date (2025-01-31).", valueName: "date"))
    var validFrom: String?

    @Option(name: .shortAndLong, help: ArgumentHelp("Write to this file instead of standard output.", valueName: "file"))
    var output: String?

    @Flag(name: .long, help: "Overwrite the output file if it exists.")
    var force = false

    func validate() throws {
        guard !(fulcioChain.isEmpty && rekorKey.isEmpty && ctlogKey.isEmpty && tsaChain.isEmpty) else {
            throw ValidationError("give at least one of --fulcio-chain, --rekor-key, --ctlog-key, --tsa-chain")
        }
        for (urls, files, name) in [(fulcioURL, fulcioChain, "fulcio"), (rekorURL, rekorKey, "rekor"), (ctlogURL, ctlogKey, "ctlog"),
                                    (tsaURL, tsaChain, "tsa")] where urls.count > files.count {
            throw ValidationError("\(urls.count) --\(name)-url for \(files.count) \(name) key or chain file(s)")
        }
        if let validFrom, Self.parseDate(validFrom) == nil {
            throw ValidationError("--valid-from \(validFrom) is neither RFC 3339 (2025-01-31T00:00:00Z) nor a date (2025-01-31)")
        }
    }

    func run() throws {
        let start = validFrom.flatMap(Self.parseDate) ?? Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down))
        let window = ValidityWindow(start: start)
        let root = TrustedRoot(
            transparencyLogs: try rekorKey.enumerated().map { try log($1, url: rekorURL[safe: $0], window: window, rekor: true) },
            certificateAuthorities: try fulcioChain.enumerated().map {
                try authority($1, url: fulcioURL[safe: $0], window: window, timestampAuthority: false)
            },
            ctLogs: try ctlogKey.enumerated().map { try log($1, url: ctlogURL[safe: $0], window: window, rekor: false) },
            timestampAuthorities: try tsaChain.enumerated().map {
                try authority($1, url: tsaURL[safe: $0], window: window, timestampAuthority: true)
            })
        var json = root.encoded()
        json.append(0x0A)
        do {
            _ = try TrustedRoot(json: json)
        } catch {
            throw CommandFailure("the trusted root does not read back: \(error)")
        }
        if let output {
            try StagedFile(destination: output, mode: 0o644, contents: json).commit(overwrite: force)
            Terminal.printNotice("Trusted root written to \(output)")
        } else {
            FileHandle.standardOutput.write(json)
        }
    }

    private func log(_ path: String, url: String?, window: ValidityWindow, rekor: Bool) throws -> TransparencyLogInstance {
        let key = try VerificationInputs.publicKey(path)
        var logID = key.spkiSHA256
        if key.algorithm == .ed25519 {
            guard rekor else { throw CommandFailure("\(path): a CT log key must be ECDSA or RSA, not Ed25519") }
            guard let host = url.flatMap({ URLComponents(string: $0)?.host }), !host.isEmpty else {
                throw CommandFailure("\(path): an Ed25519 key is a Rekor v2 log; give its --rekor-url (the log ID derives from the host)")
            }
            logID = try LogKeyID.signedNote(key, origin: host)
        }
        do {
            return try TransparencyLogInstance(baseURL: url ?? "", publicKey: key, validFor: window, logID: logID)
        } catch {
            throw CommandFailure("\(path): \(error)")
        }
    }

    private func authority(_ path: String, url: String?, window: ValidityWindow, timestampAuthority: Bool) throws -> CertificateAuthority {
        let pem = String(decoding: try VerificationInputs.document(path, limit: 1 << 20, what: "certificate chain"), as: UTF8.self)
        var certificates: [Certificate]
        do {
            certificates = try Certificate.parseAll(pem: pem)
        } catch {
            throw CommandFailure("\(path): \(error)")
        }
        if certificates.count > 1, let first = certificates.first, first.subject == first.issuer {
            certificates.reverse()
        }
        guard let root = certificates.last, root.isCA else {
            throw CommandFailure("\(path): the last certificate of the chain must be a CA (the root)")
        }
        if timestampAuthority {
            do {
                _ = try TimestampAuthorityChain(chain: certificates)
            } catch {
                throw CommandFailure("\(path): \(error)")
            }
        }
        let name = root.subject
        return CertificateAuthority(subject: .init(organization: Self.attribute("O", of: name), commonName: Self.attribute("CN", of: name)),
                                    uri: url ?? "", certificates: certificates.map(\.der), validFor: window)
    }

    /// The value of `key=` in an RFC 2253 name (unescaped commas are separators).
    private static func attribute(_ key: String, of name: String) -> String {
        name.split(separator: ",").lazy.map { $0.trimmingCharacters(in: .whitespaces) }
            .first { $0.hasPrefix(key + "=") }.map { String($0.dropFirst(key.count + 1)) } ?? ""
    }

    static func parseDate(_ text: String) -> Date? {
        RFC3339.parse(text) ?? RFC3339.parse(text + "T00:00:00Z")
    }
}

extension Array {
    /// The element at `index`, or nil beyond the end.
    subscript(safe index: Int) -> Element? {
        indices.contains(index) ? self[index] : nil
    }
}
