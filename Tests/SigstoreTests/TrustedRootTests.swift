import AirlockJSON
import AirlockCrypto
import Foundation
import Testing
@testable import Sigstore
import SigstoreTestKit

@Suite("Trusted root")
struct TrustedRootTests {
    private func minimalRoot(tlog: String, mediaType: String = TrustedRoot.mediaTypeV01) -> Data {
        Data(#"{"mediaType":"\#(mediaType)","tlogs":[\#(tlog)]}"#.utf8)
    }

    private func tlogJSON(_ key: PublicKey, details: String = "PKIX_ECDSA_P256_SHA_256", validFor: String = #"{"start":"2021-01-12T11:53:27Z"}"#,
                          hash: String = "SHA2_256", extra: String = "") -> String {
        #"{"baseUrl":"https://log.example","hashAlgorithm":"\#(hash)","publicKey":{"rawBytes":"\#(Base64.encode(key.derSPKI))","keyDetails":"\#(details)","validFor":\#(validFor)},"logId":{"keyId":"\#(Base64.encode(key.spkiSHA256))"}\#(extra)}"#
    }

    @Test(.enabled(if: SharedData.isAvailable))
    func readsThePublicGoodRoots() throws {
        let production = try TrustedRoot(json: SharedData.file("conformance/production_trusted_root.json"))
        #expect(production.transparencyLogs.count == 2)
        #expect(production.ctLogs.count == 2)
        #expect(production.certificateAuthorities.map(\.certificates.count) == [1, 2])
        #expect(production.timestampAuthorities.first?.uri == "https://timestamp.sigstore.dev/api/v1/timestamp")

        let rekor = try #require(production.transparencyLog(id: Data(lowercaseHex: "c0d23d6ad406973f9559f3ba2d1ca01f84147d8ffc5b8445c224f98b9591801d")!))
        #expect(rekor.baseURL == "https://rekor.sigstore.dev")
        #expect(rekor.publicKey.algorithm == .ecdsaP256)
        #expect(rekor.publicKey.algorithm.defaultScheme == .ecdsa(.sha256))
        #expect(rekor.validFor.start == Date(timeIntervalSince1970: 1610452407))
        #expect(rekor.validFor.end == nil)
        // The Rekor v1 / CT log ID is SHA-256 of the key (§7.5), and the root's IDs agree.
        for log in production.ctLogs + [rekor] {
            #expect(log.publicKey.spkiSHA256 == log.logID)
        }
        let ctTest = try #require(production.ctLogs.first)
        #expect(ctTest.validFor.end.map(RFC3339.format) == "2022-10-31T23:59:59.999Z")

        let staging = try TrustedRoot(json: SharedData.file("conformance/staging_trusted_root.json"))
        let pkcs1 = try #require(staging.ctLogs.first { $0.keyDetails == .pkcs1RSAPKCS1v5 })
        #expect(pkcs1.publicKey.algorithm == .rsa(bits: 4096))
        #expect(pkcs1.publicKey.algorithm.defaultScheme == .rsaPKCS1v15(.sha256))
    }

    @Test(.enabled(if: SharedData.isAvailable))
    func rekorV2LogIDsFollowTheSignedNoteFormula() throws {
        let staging = try TrustedRoot(json: SharedData.file("conformance/staging_trusted_root.json"))
        let v2Logs = staging.transparencyLogs.filter { $0.keyDetails == .pkixEd25519 }
        #expect(v2Logs.count == 3)
        for log in v2Logs {
            let host = try #require(log.host)
            #expect(host.hasPrefix("log2025-alpha"))
            #expect(try LogKeyID.signedNote(log.publicKey, origin: host) == log.logID, "\(host)")
            #expect(log.publicKey.algorithm.defaultScheme == .ed25519)
        }
    }

    @Test(.enabled(if: SharedData.isAvailable))
    func aLogKeyWithoutValidityStartRejectsTheWholeRoot() throws {
        let data = try SharedData.conformanceCase("trust-root-tlog-missing-validity-start_fail", "trusted_root.json")
        #expect(throws: FormatError("trusted root.tlogs[1].publicKey.validFor.start: required for a log key")) {
            try TrustedRoot(json: data)
        }
    }

    @Test func rejectsMalformedLogs() throws {
        let key = try PrivateKey.generateP256().publicKey
        #expect(throws: Never.self) { try TrustedRoot(json: minimalRoot(tlog: tlogJSON(key))) }
        let cases: [(String, String)] = [
            (tlogJSON(key, hash: "SHA2_384"), "trusted root.tlogs[0].hashAlgorithm: must be SHA2_256"),
            (tlogJSON(key, validFor: "{}"), "trusted root.tlogs[0].publicKey.validFor.start: required for a log key"),
            (tlogJSON(key, validFor: #"{"start":"2021-13-01T00:00:00Z"}"#),
             "trusted root.tlogs[0].publicKey.validFor.start: \"2021-13-01T00:00:00Z\" is not an RFC 3339 timestamp"),
            (tlogJSON(key, details: "PKIX_ED25519"),
             "trusted root.tlogs[0].publicKey.rawBytes: key type ECDSA P-256 does not match keyDetails PKIX_ED25519"),
            (tlogJSON(key, details: "PKIX_ED25519_PH"), "trusted root.tlogs[0].publicKey.keyDetails: missing or unsupported for a log key"),
            (tlogJSON(key, details: "LMS_SHA256"), "trusted root.tlogs[0].publicKey.keyDetails: unsupported value LMS_SHA256"),
            (tlogJSON(key, extra: #","color":"red""#), "trusted root.tlogs[0]: unknown field \"color\""),
        ]
        for (tlog, message) in cases {
            #expect(throws: FormatError(message)) { try TrustedRoot(json: minimalRoot(tlog: tlog)) }
        }
        #expect(throws: FormatError("trusted root: unsupported media type \"application/json\"")) {
            try TrustedRoot(json: minimalRoot(tlog: tlogJSON(key), mediaType: "application/json"))
        }
        // Trailing bytes after the SPKI are refused (Go's parser refuses them; OpenSSL would not).
        let padded = Base64.encode(key.derSPKI + [0])
        let trailing = tlogJSON(key).replacingOccurrences(of: Base64.encode(key.derSPKI), with: padded)
        #expect(throws: FormatError("trusted root.tlogs[0].publicKey.rawBytes: not a canonical DER SubjectPublicKeyInfo")) {
            try TrustedRoot(json: minimalRoot(tlog: trailing))
        }
    }

    @Test func acceptsEveryTrustedRootMediaTypeAndVersion02Fields() throws {
        let key = try PrivateKey.generateP256().publicKey
        for mediaType in TrustedRoot.acceptedMediaTypes {
            let tlog = tlogJSON(key, extra: #","checkpointKeyId":{"keyId":"AAECAw=="},"operator":"example""#)
            let root = try TrustedRoot(json: minimalRoot(tlog: tlog, mediaType: mediaType))
            #expect(root.transparencyLogs.first?.checkpointKeyID == Data([0, 1, 2, 3]))
            #expect(root.transparencyLogs.first?.operatorName == "example")
        }
    }

    @Test func validityWindowsAreInclusiveAtBothEnds() {
        let start = Date(timeIntervalSince1970: 1000)
        let end = Date(timeIntervalSince1970: 2000)
        let window = ValidityWindow(start: start, end: end)
        #expect(window.contains(start))
        #expect(window.contains(end))
        #expect(!window.contains(start.addingTimeInterval(-0.001)))
        #expect(!window.contains(end.addingTimeInterval(0.001)))
        #expect(ValidityWindow(start: start).contains(Date.distantFuture))
        #expect(ValidityWindow.unbounded.contains(Date.distantPast))
    }

    @Test(.enabled(if: SharedData.isAvailable))
    func encodingRoundTrips() throws {
        for name in ["production_trusted_root.json", "staging_trusted_root.json"] {
            let root = try TrustedRoot(json: SharedData.file("conformance/\(name)"))
            let again = try TrustedRoot(json: root.encoded())
            #expect(again == root, "\(name)")
        }
    }

    @Test func buildsAndEncodesARootForATestInstance() throws {
        let logKey = try PrivateKey.generateP256().publicKey
        let edKey = try KitKeys.generateEd25519().publicKey
        let log = try TransparencyLogInstance(baseURL: "https://rekor.local", publicKey: logKey,
                                              validFor: ValidityWindow(start: Date(timeIntervalSince1970: 1_700_000_000.5)))
        let v2 = try TransparencyLogInstance(baseURL: "https://log.local:8443/api", publicKey: edKey,
                                             validFor: ValidityWindow(start: Date(timeIntervalSince1970: 0)),
                                             logID: LogKeyID.signedNote(edKey, origin: "log.local"))
        let root = TrustedRoot(transparencyLogs: [log, v2],
                               certificateAuthorities: [CertificateAuthority(uri: "https://ca.local", certificates: [Data([1, 2])])])
        #expect(log.logID == logKey.spkiSHA256)
        #expect(log.keyDetails == .pkixECDSAP256SHA256)
        #expect(v2.keyDetails == .pkixEd25519)
        #expect(v2.host == "log.local")
        let text = root.jsonValue.serializedString()
        #expect(text.contains(#""validFor":{"start":"2023-11-14T22:13:20.500Z"}"#))
        let parsed = try TrustedRoot(json: root.encoded())
        #expect(parsed == root)
        #expect(parsed.transparencyLog(id: v2.logID)?.baseURL == "https://log.local:8443/api")
        #expect(parsed.transparencyLog(id: Data(count: 32)) == nil)
    }
}
