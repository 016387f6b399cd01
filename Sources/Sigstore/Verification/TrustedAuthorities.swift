import AirlockJSON
import AirlockCrypto
import Foundation

/// A Fulcio CA of the trusted root with its certificates parsed: the last is the trust anchor.
struct TrustedCertificateAuthority: Sendable {
    let authority: CertificateAuthority
    let root: Certificate
    let intermediates: [Certificate]

    init(_ authority: CertificateAuthority, index: Int) throws(FormatError) {
        let certificates = try parseChain(authority, what: "certificateAuthorities[\(index)]")
        guard let root = certificates.last else {
            throw FormatError("trusted root.certificateAuthorities[\(index)]: the chain is empty")
        }
        self.authority = authority
        self.root = root
        intermediates = Array(certificates.dropLast())
    }

    /// The validated chain of `leaf` at `time` (code signing), through this CA only.
    func validate(_ leaf: Certificate, at time: Date) throws -> [Certificate] {
        try CertificateChainValidator(roots: [root], intermediates: intermediates,
                                      requiredExtendedKeyUsage: ExtendedKeyUsage.codeSigning).validate(leaf, at: time)
    }
}

/// A timestamp authority of the trusted root, read as sigstore-go reads it (§7.4).
struct TrustedTimestampAuthority: Sendable {
    let authority: CertificateAuthority
    let chain: TimestampAuthorityChain

    init(_ authority: CertificateAuthority, index: Int) throws(FormatError) {
        let what = "timestampAuthorities[\(index)]"
        let certificates = try parseChain(authority, what: what)
        do {
            chain = try TimestampAuthorityChain(chain: certificates)
        } catch {
            throw FormatError("trusted root.\(what): \(error)")
        }
        self.authority = authority
    }
}

private func parseChain(_ authority: CertificateAuthority, what: String) throws(FormatError) -> [Certificate] {
    var certificates: [Certificate] = []
    for (position, der) in authority.certificates.enumerated() {
        do {
            certificates.append(try Certificate(der: der))
        } catch {
            throw FormatError("trusted root.\(what).certChain.certificates[\(position)]: \(error)")
        }
    }
    return certificates
}
