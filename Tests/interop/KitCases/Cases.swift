import Foundation
import Sigstore
import SigstoreTestKit

extension KitCase {
    /// The positives, then the negatives of one defect each, made by `kit`.
    static func all(kit: PrivateSigstore) throws -> [KitCase] {
        let good = try kit.makeBundle()
        let other = try kit.makeBundle(BundleRecipe(artifact: Data("another artifact\n".utf8)))
        let rekorV2 = try kit.makeBundle(BundleRecipe().log(.rekorV2).timestamped())
        let strangerCA = root(kit, certificateAuthoritiesOf: try PrivateSigstore())
        return [
            KitCase("v0.3-rekor-v1", .ok, good),
            KitCase("v0.1-rekor-v1", .ok, try kit.makeBundle(BundleRecipe().version(.v0_1))),
            KitCase("v0.2-rekor-v1", .ok, try kit.makeBundle(BundleRecipe().version(.v0_2))),
            KitCase("dsse-in-toto", .ok, try kit.makeBundle(BundleRecipe().dsse())),
            // cosign's --use-signed-timestamps: the timestamp, not the integrated time, is the trusted time.
            KitCase("rekor-v1-timestamped", .ok, try kit.makeBundle(BundleRecipe().timestamped())) {
                $0.airlockFlags = ["--use-signed-timestamps"]
            },
            KitCase("rekor-v2-timestamped", .ok, rekorV2),
            KitCase("dsse-rekor-v2-timestamped", .ok, try kit.makeBundle(BundleRecipe().dsse().log(.rekorV2).timestamped())),

            KitCase("another-artifact", .fail, good) { $0.artifact = other.artifact },
            KitCase("flipped-signature-bit", .fail, try kit.makeBundle(BundleRecipe().flippingSignatureBit())),
            KitCase("wrong-identity", .fail, good) {
                $0.identity = "https://github.com/airlock-test/app/.github/workflows/other.yml@refs/heads/main"
            },
            KitCase("wrong-issuer", .fail, good) { $0.issuer = "https://accounts.google.com" },
            KitCase("set-altered", .fail, good.flippingSETBit()),
            KitCase("proof-hash-altered", .fail, good.flippingProofHashBit()),
            KitCase("checkpoint-signature-altered", .fail, try good.flippingCheckpointSignatureBit()),
            KitCase("entry-of-another-signature", .fail, good.carryingLogEntries(of: other)),
            KitCase("ca-of-another-instance", .fail, good) { $0.trustedRoot = strangerCA },
            KitCase("sct-from-unknown-log", .fail, try kit.makeBundle(BundleRecipe().certificate { $0.sct = .unknownLog })),
            KitCase("outside-ca-window", .fail, good) {
                $0.trustedRoot = Self.root(kit, caWindowEndingAt: kit.signingTime)
                $0.airlockOnly = "python-sigstore accepts a certificate signed after its CA's validFor ended because it trusts every Fulcio CA "
                    + "whose window has begun by now, whatever its end, and never compares the window with the signing time "
                    + "(TrustedRoot.get_fulcio_certs: allow_expired=True); sigstore-go requires the signing time within the CA's validFor"
            },
            try expiredIntermediate(),
            KitCase("rekor-v2-without-timestamp", .fail, try kit.makeBundle(BundleRecipe().log(.rekorV2))),
            KitCase("timestamp-over-other-bytes", .fail, try rekorV2.timestamped(over: Data("other bytes".utf8), by: kit)),
            KitCase("dsse-subject-another-digest", .fail, try kit.makeBundle(BundleRecipe(artifact: other.artifact).dsse())) {
                $0.artifact = good.artifact
            },
        ]
    }

    /// `kit`'s trusted root with the Fulcio CAs of `stranger`.
    private static func root(_ kit: PrivateSigstore, certificateAuthoritiesOf stranger: PrivateSigstore) -> TrustedRoot {
        var root = kit.trustedRoot
        root.certificateAuthorities = stranger.trustedRoot.certificateAuthorities
        return root
    }

    /// `kit`'s trusted root whose Fulcio CA is trusted from a day before `end` until `end`.
    private static func root(_ kit: PrivateSigstore, caWindowEndingAt end: Date) -> TrustedRoot {
        var root = kit.trustedRoot
        root.certificateAuthorities[0].validFor = ValidityWindow(start: end - PrivateSigstore.day, end: end)
        return root
    }

    /// A bundle of another instance whose intermediate CA expired an hour before signing.
    private static func expiredIntermediate() throws -> KitCase {
        var configuration = PrivateSigstore.Configuration()
        configuration.intermediateNotAfter = configuration.signingTime - 3600
        let kit = try PrivateSigstore(configuration)
        return KitCase("expired-intermediate", .fail, try kit.makeBundle()) { $0.trustedRoot = kit.trustedRoot }
    }
}
