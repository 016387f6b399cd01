import AirlockJSON
import Foundation

extension SigstoreBundle {
    /// The bundle as protojson would write it: lowerCamelCase names, int64 as strings, bytes
    /// as standard base64, default values (zero, empty) omitted, media type of `version`.
    public var jsonValue: JSONValue {
        var members: [(key: String, value: JSONValue)] = [
            (key: "mediaType", value: .string(version.mediaType)),
            (key: "verificationMaterial", value: verificationMaterial.jsonValue),
        ]
        switch content {
        case .messageSignature(let message): members.append((key: "messageSignature", value: message.jsonValue))
        case .dsseEnvelope(let envelope): members.append((key: "dsseEnvelope", value: envelope.jsonValue))
        }
        return .object(members)
    }

    /// Compact JSON of `jsonValue`.
    public func encoded() -> Data { jsonValue.serialized() }
}

/// Builds protojson objects, leaving out default values as protojson does.
private struct ProtoObject {
    var members: [(key: String, value: JSONValue)] = []

    mutating func add(_ key: String, _ value: JSONValue) { members.append((key: key, value: value)) }

    mutating func add(_ key: String, int64 value: Int64) {
        if value != 0 { add(key, .string(String(value))) }
    }

    mutating func add(_ key: String, bytes: Data) {
        if !bytes.isEmpty { add(key, .string(Base64.encode(bytes))) }
    }

    mutating func add(_ key: String, string: String) {
        if !string.isEmpty { add(key, .string(string)) }
    }

    var value: JSONValue { .object(members) }
}

private func rawBytesObject(_ der: Data) -> JSONValue {
    var object = ProtoObject()
    object.add("rawBytes", bytes: der)
    return object.value
}

extension VerificationMaterial {
    var jsonValue: JSONValue {
        var object = ProtoObject()
        switch signer {
        case .publicKey(let hint):
            var key = ProtoObject()
            key.add("hint", string: hint)
            object.add("publicKey", key.value)
        case .x509CertificateChain(let chain):
            object.add("x509CertificateChain", ["certificates": .array(chain.map(rawBytesObject))])
        case .certificate(let der):
            object.add("certificate", rawBytesObject(der))
        }
        if !tlogEntries.isEmpty { object.add("tlogEntries", .array(tlogEntries.map(\.jsonValue))) }
        if !rfc3161Timestamps.isEmpty {
            object.add("timestampVerificationData", [
                "rfc3161Timestamps": .array(rfc3161Timestamps.map { .object([(key: "signedTimestamp", value: .string(Base64.encode($0)))]) }),
            ])
        }
        return object.value
    }
}

extension TransparencyLogEntry {
    var jsonValue: JSONValue {
        var object = ProtoObject()
        object.add("logIndex", int64: logIndex)
        object.add("logId", .object([(key: "keyId", value: .string(Base64.encode(logID)))]))
        object.add("kindVersion", ["kind": .string(kind), "version": .string(kindVersion)])
        object.add("integratedTime", int64: integratedTime)
        if let inclusionPromise {
            var promise = ProtoObject()
            promise.add("signedEntryTimestamp", bytes: inclusionPromise)
            object.add("inclusionPromise", promise.value)
        }
        if let inclusionProof {
            var proof = ProtoObject()
            proof.add("logIndex", int64: inclusionProof.logIndex)
            proof.add("rootHash", bytes: inclusionProof.rootHash)
            proof.add("treeSize", int64: inclusionProof.treeSize)
            if !inclusionProof.hashes.isEmpty {
                proof.add("hashes", .array(inclusionProof.hashes.map { .string(Base64.encode($0)) }))
            }
            proof.add("checkpoint", .object([(key: "envelope", value: .string(inclusionProof.checkpoint))]))
            object.add("inclusionProof", proof.value)
        }
        object.add("canonicalizedBody", bytes: canonicalizedBody)
        return object.value
    }
}

extension MessageSignature {
    var jsonValue: JSONValue {
        var object = ProtoObject()
        if let messageDigest {
            object.add("messageDigest", [
                "algorithm": .string(messageDigest.algorithm.protoName),
                "digest": .string(Base64.encode(messageDigest.bytes)),
            ])
        }
        object.add("signature", bytes: signature)
        return object.value
    }
}
