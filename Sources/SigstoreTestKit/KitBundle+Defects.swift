import AirlockCrypto
import Foundation
import Sigstore

extension Data {
    /// The same bytes with the low bit of byte `index` flipped.
    public func flippingBit(at index: Int) -> Data {
        var copy = self
        copy[copy.startIndex + index] ^= 0x01
        return copy
    }
}

extension BundleContent {
    /// The same content with one bit of its signature flipped (inside an ECDSA signature's r,
    /// so the DER still parses).
    func flippingSignatureBit() -> BundleContent {
        switch self {
        case .messageSignature(var message):
            message.signature = message.signature.flippingBit(at: 20)
            return .messageSignature(message)
        case .dsseEnvelope(var envelope):
            envelope.signatures[0].signature = envelope.signatures[0].signature.flippingBit(at: 20)
            return .dsseEnvelope(envelope)
        }
    }
}

/// One defect each in the log evidence or the timestamps of a kit bundle; everything else is
/// left as made. The defects change the first log entry.
extension KitBundle {
    /// The signed entry timestamp with one bit flipped.
    public func flippingSETBit() -> KitBundle {
        changingEntry { $0.inclusionPromise = $0.inclusionPromise?.flippingBit(at: 10) }
    }

    /// The first hash of the inclusion proof with one bit flipped.
    public func flippingProofHashBit() -> KitBundle {
        changingEntry { entry in
            if let hash = entry.inclusionProof?.hashes.first { entry.inclusionProof?.hashes[0] = hash.flippingBit(at: 0) }
        }
    }

    /// The checkpoint with one bit of its signature flipped; its text and key hint unchanged.
    public func flippingCheckpointSignatureBit() throws -> KitBundle {
        guard let envelope = bundle.verificationMaterial.tlogEntries.first?.inclusionProof?.checkpoint else {
            throw CryptoError("the bundle has no checkpoint")
        }
        var note = try logVersion == .v2 ? SignedNote.parseC2SP(envelope) : SignedNote.parseRekorV1(envelope)
        note.signatures[0].signature = note.signatures[0].signature.flippingBit(at: 8)
        return changingEntry { $0.inclusionProof?.checkpoint = note.envelope }
    }

    /// This bundle with the log entries of `other`: genuine entries of the log, for another signature.
    public func carryingLogEntries(of other: KitBundle) -> KitBundle {
        var copy = self
        copy.bundle.verificationMaterial.tlogEntries = other.bundle.verificationMaterial.tlogEntries
        return copy
    }

    /// This bundle with, as its only timestamp, a genuine one of `kit`'s TSA over `bytes`.
    public func timestamped(over bytes: Data, by kit: PrivateSigstore) throws -> KitBundle {
        var copy = self
        copy.bundle.verificationMaterial.rfc3161Timestamps = [try kit.timestampAuthority.timestamp(bytes, at: kit.signingTime)]
        return copy
    }

    private func changingEntry(_ change: (inout TransparencyLogEntry) -> Void) -> KitBundle {
        var copy = self
        change(&copy.bundle.verificationMaterial.tlogEntries[0])
        return copy
    }
}
