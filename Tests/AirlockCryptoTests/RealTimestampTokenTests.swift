import AirlockCrypto
import Foundation
import Testing

/// Real RFC 3161 tokens from the conformance suite, verified against the timestamp authority
/// of each case's trusted root; the message is the bundle's signature bytes (skipped without
/// ../shared).
@Suite(.enabled(if: SharedConformanceData.isAvailable))
struct RealTimestampTokenTests {
    struct Case {
        let token: TimestampToken
        let message: Data
        let authorities: [TimestampAuthorityChain]
    }

    func load(_ name: String) throws -> Case {
        let bundle = try SharedConformanceData.bundle(name)
        let material = bundle["verificationMaterial"] as? [String: Any] ?? [:]
        let stamps = (material["timestampVerificationData"] as? [String: Any])?["rfc3161Timestamps"] as? [[String: Any]] ?? []
        let token = try TimestampToken(der: SharedConformanceData.base64(stamps.first?["signedTimestamp"] as? String))
        let signature = ((bundle["messageSignature"] as? [String: Any])?["signature"] as? String)
            ?? (((bundle["dsseEnvelope"] as? [String: Any])?["signatures"] as? [[String: Any]])?.first?["sig"] as? String)
        let authorities = try SharedConformanceData.chains(SharedConformanceData.trustedRoot(name), "timestampAuthorities")
            .map { try TimestampAuthorityChain(chain: $0) }
        return Case(token: token, message: try SharedConformanceData.base64(signature), authorities: authorities)
    }

    /// genTime from the first authority that verifies, or the last failure.
    func verify(_ item: Case) -> Result<Date, CryptoError> {
        var failure = CryptoError("no timestamp authority")
        for authority in item.authorities {
            do { return .success(try item.token.verify(message: item.message, authority: authority)) }
            catch let error as CryptoError { failure = error } catch { failure = CryptoError("\(error)") }
        }
        return .failure(failure)
    }

    @Test func embeddedCertificateToken() throws {
        let item = try load("rekor2-timestamp-with-embedded-cert")
        #expect(item.token.policy == "1.3.6.1.4.1.57264.2")
        #expect(item.token.hashAlgorithm == .sha256)
        #expect(item.token.tsaName == "CN=sigstore-tsa,O=sigstore.dev")
        #expect(item.token.serialNumber.lowercaseHex == "75066f8056d5f464bfa1ee8e134f7d169f0356f2")
        #expect(item.token.nonce?.lowercaseHex == "82ff98238f025892")
        #expect(item.token.certificates.count >= 1)
        let genTime = try verify(item).get()
        #expect(genTime == item.token.genTime)
        #expect(Int(genTime.timeIntervalSince1970) == Int(ISO8601DateFormatter().date(from: "2025-08-06T18:51:36Z")!.timeIntervalSince1970))
        let other = #expect(throws: CryptoError.self) {
            try item.token.verify(message: item.message + Data([0]), authority: item.authorities[0])
        }
        #expect(other?.message.contains("imprint does not match") == true)
    }

    @Test func tokenWithoutEmbeddedCertificateUsesTheConfiguredLeaf() throws {
        let item = try load("rekor2-timestamp-without-embedded-cert")
        #expect(item.token.certificates.isEmpty)
        _ = try verify(item).get()
        let root = try #require(item.authorities.first?.root)
        let withoutLeaf = TimestampAuthorityChain(root: root)
        let error = #expect(throws: CryptoError.self) { try item.token.verify(message: item.message, authority: withoutLeaf) }
        #expect(error?.message.contains("no leaf certificate") == true)
    }

    @Test func failingConformanceCases() throws {
        for (name, reason) in [("rekor2-timestamp-outside-tsa-cert-validity_fail", "TSA certificate chain"),
                               ("rekor2-timestamp-payload-mismatch_fail", "imprint does not match"),
                               ("rekor2-timestamp-untrusted-tsa-without-embedded-cert_fail", "signer is neither an embedded certificate nor the configured TSA leaf")] {
            let result = verify(try load(name))
            guard case .failure(let error) = result else {
                Issue.record("\(name) verified")
                continue
            }
            #expect(error.message.contains(reason), "\(name): \(error.message)")
        }
    }

    @Test func everyHappyCaseVerifies() throws {
        for name in ["rekor2-happy-path", "rekor2-dsse-happy-path", "trust-root-tsa-validity-end-inclusive",
                     "intoto-with-custom-trust-root", "managed-key-happy-path"] {
            let item = try load(name)
            if item.authorities.isEmpty { continue }
            if case .failure(let error) = verify(item) { Issue.record("\(name): \(error)") }
        }
    }
}
