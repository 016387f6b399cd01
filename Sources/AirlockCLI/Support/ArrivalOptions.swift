import ArgumentParser
import Cosign
import Foundation
import Sigstore
import Transfer

/// The checks `unpack` runs on a staged tarball before merging it, and whose verdicts
/// `inspect` shows: signature presence, and signature verification with the receiving
/// side's keys or identity — or with trust material from the tarball, only when named.
struct ArrivalOptions: ParsableArguments {
    @Flag(help: "Require every image to carry at least one signature or Sigstore bundle (presence only; --key or keyless flags verify them).")
    var requireSignatures = false

    @OptionGroup var signer: SignerOptions

    @Option(name: .customLong("key-from-archive"),
            help: ArgumentHelp("Also trust the key airlock/keys/NAME that the tarball carries (repeatable). A tarball cannot vouch for itself: name only keys you know.", valueName: "name"))
    var archiveKeys: [String] = []

    @Option(name: .customLong("trusted-root-from-archive"),
            help: ArgumentHelp("Verify against the trusted root airlock/trusted-roots/NAME that the tarball carries, instead of your own.", valueName: "name"))
    var archiveTrustedRoot: String?

    func validate() throws {
        try signer.check(extraKeys: archiveKeys.count)
        if archiveTrustedRoot != nil && signer.trustedRootOptions.path != nil {
            throw ValidationError("--trusted-root and --trusted-root-from-archive cannot be combined")
        }
        if (!archiveKeys.isEmpty || archiveTrustedRoot != nil) && !verifiesSignatures {
            throw ValidationError("trust material from the archive is used to verify signatures: add --key-from-archive, --key or keyless flags")
        }
    }

    private var verifiesSignatures: Bool { signer.namesSigner || !archiveKeys.isEmpty }

    /// The checks the options ask for, in the order they run.
    func checks() -> [any ArrivalCheck] {
        var checks: [any ArrivalCheck] = requireSignatures ? [SignaturePresenceCheck()] : []
        if verifiesSignatures {
            checks.append(SignatureVerificationCheck(name: checkName) { material in
                let keys = try archiveKeys.map { name in
                    let url = try Self.file(name, of: .key, in: material)
                    return TrustedKey(publicKey: try VerificationInputs.publicKey(url.path), name: "\(name) (from the archive)")
                }
                let root = try archiveTrustedRoot.map { name in
                    let url = try Self.file(name, of: .trustedRoot, in: material)
                    return try TrustedRootOptions.read(url.path, label: "airlock/\(TrustMaterialKind.trustedRoot.archiveDirectory)/\(name) in the archive")
                }
                return try signer.imageVerifier(extraKeys: keys, trustedRoot: root)
            })
        }
        return checks
    }

    private var checkName: String {
        let keys = signer.key + archiveKeys.map { "\($0) (from the archive)" }
        return keys.isEmpty ? "keyless signatures" : "signatures by \(keys.joined(separator: ", "))"
    }

    /// The staged trust-material file `name` of `kind`, or a failure naming what is missing.
    private static func file(_ name: String, of kind: TrustMaterialKind, in material: ArchiveTrustMaterial) throws -> URL {
        guard let url = material.files[kind]?.first(where: { $0.lastPathComponent == name }) else {
            throw CommandFailure("the archive carries no airlock/\(kind.archiveDirectory)/\(name)")
        }
        return url
    }
}
