import AirlockJSON
import AirlockCrypto
import Foundation
import Testing
@testable import Sigstore
import SigstoreTestKit

@Suite("Signed entry timestamps")
struct SignedEntryTimestampTests {
    @Test func payloadIsTheCanonicalObject() {
        let payload = SignedEntryTimestamp.payload(canonicalizedBody: Data("{}".utf8), integratedTime: 1710869186,
                                                   logID: Data([0xc0, 0xd2]), logIndex: 79571823)
        #expect(String(decoding: payload, as: UTF8.self) == #"{"body":"e30=","integratedTime":1710869186,"logID":"c0d2","logIndex":79571823}"#)
    }

    @Test(.enabled(if: SharedData.isAvailable))
    func payloadOfARealEntryUsesTheGlobalIndexAndTheBodyText() throws {
        let raw = try JSONValue.parse(SharedData.conformanceCase("happy-path-v0.3"))
        let bodyText = try #require(raw["verificationMaterial"]?["tlogEntries"]?.arrayValue?.first?["canonicalizedBody"]?.stringValue)
        let entry = try #require(SharedData.bundle("happy-path-v0.3").verificationMaterial.tlogEntries.first)
        let expected = #"{"body":"\#(bodyText)","integratedTime":1710869186,"logID":"c0d23d6ad406973f9559f3ba2d1ca01f84147d8ffc5b8445c224f98b9591801d","logIndex":79571823}"#
        #expect(String(decoding: SignedEntryTimestamp.payload(of: entry), as: UTF8.self) == expected)
    }

    private func log(_ key: PublicKey, start: Date?, end: Date? = nil) throws -> TransparencyLogInstance {
        try TransparencyLogInstance(baseURL: "https://rekor.local", publicKey: key, validFor: ValidityWindow(start: start, end: end))
    }

    private func entry(time: Int64, key: PrivateKey) throws -> TransparencyLogEntry {
        let body = Data(#"{"apiVersion":"0.0.1"}"#.utf8)
        let set = try SignedEntryTimestamp.sign(canonicalizedBody: body, integratedTime: time, logID: key.publicKey.spkiSHA256,
                                                logIndex: 42, key: key)
        return TransparencyLogEntry(logIndex: 42, logID: key.publicKey.spkiSHA256, kind: "hashedrekord", kindVersion: "0.0.1",
                                    integratedTime: time, inclusionPromise: set, inclusionProof: nil, canonicalizedBody: body)
    }

    @Test func signedTimestampsVerifyInsideTheKeyWindowOnly() throws {
        let key = try PrivateKey.generateP256()
        let start = Date(timeIntervalSince1970: 1000), end = Date(timeIntervalSince1970: 2000)
        let bounded = try log(key.publicKey, start: start, end: end)
        for time: Int64 in [1000, 1500, 2000] {
            #expect(throws: Never.self) { try SignedEntryTimestamp.verify(entry: entry(time: time, key: key), log: bounded) }
        }
        for time: Int64 in [999, 2001] {
            #expect(throws: SignedEntryTimestampError.outsideKeyValidity(integratedTime: time, window: bounded.validFor)) {
                try SignedEntryTimestamp.verify(entry: entry(time: time, key: key), log: bounded)
            }
        }
        let noStart = try log(key.publicKey, start: nil)
        #expect(throws: SignedEntryTimestampError.outsideKeyValidity(integratedTime: 1500, window: noStart.validFor)) {
            try SignedEntryTimestamp.verify(entry: entry(time: 1500, key: key), log: noStart)
        }
    }

    @Test func tamperedOrForeignTimestampsFail() throws {
        let key = try PrivateKey.generateP256()
        let trusted = try log(key.publicKey, start: Date(timeIntervalSince1970: 0))
        let good = try entry(time: 1500, key: key)
        var changed = good
        changed.logIndex = 43
        #expect(throws: SignedEntryTimestampError.invalidSignature) { try SignedEntryTimestamp.verify(entry: changed, log: trusted) }
        changed = good
        changed.canonicalizedBody.append(0x20)
        #expect(throws: SignedEntryTimestampError.invalidSignature) { try SignedEntryTimestamp.verify(entry: changed, log: trusted) }
        let other = try log(PrivateKey.generateP256().publicKey, start: Date(timeIntervalSince1970: 0))
        #expect(throws: SignedEntryTimestampError.invalidSignature) { try SignedEntryTimestamp.verify(entry: good, log: other) }
        changed = good
        changed.inclusionPromise = nil
        #expect(throws: SignedEntryTimestampError.missing) { try SignedEntryTimestamp.verify(entry: changed, log: trusted) }
        let edwards = try log(KitKeys.generateEd25519().publicKey, start: Date(timeIntervalSince1970: 0))
        #expect(throws: SignedEntryTimestampError.unsupportedKey(.ed25519)) { try SignedEntryTimestamp.verify(entry: good, log: edwards) }
    }
}
