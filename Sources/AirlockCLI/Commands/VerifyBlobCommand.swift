import AirlockCrypto
import ArgumentParser
import Foundation
import Sigstore

/// `airlock verify-blob`: verify a file (or a digest) against a Sigstore bundle or a detached
/// signature, with a public key or a keyless certificate identity, fully offline.
struct VerifyBlobCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify-blob",
        abstract: "Verify a file's signature or Sigstore bundle.",
        discussion: """
        Checks, in sigstore-go's order: transparency-log entries (SETs, inclusion proofs, \
        checkpoints, entry bodies), RFC 3161 timestamps, the certificate chain to a trusted \
        Fulcio CA and its SCTs (keyless) or the key, the signature over the artifact or the \
        DSSE envelope, then the certificate identity.

        Keyless verification needs a trusted root: --trusted-root, else $SIGSTORE_TRUSTED_ROOT, \
        else the cosign/sigstore-go TUF cache ($TUF_ROOT or ~/.sigstore/root). With --key no \
        trusted root is needed; log entries a bundle carries are checked when one is found, \
        and otherwise reported as not checked.

        Identity regular expressions are unanchored, as in cosign: anchor them with ^…$.

        --batch LIST verifies many bundles in one run: LIST holds one "BUNDLE ARTIFACT" pair \
        per line (separated by a tab, or by spaces when the paths have none; # comments), or \
        is a directory in which every NAME.sigstore.json pairs with the file NAME.

        Exit status: 0 verified; 1 a verification failed; 2 an input could not be read or parsed.
        """)

    @Option(name: .long, help: ArgumentHelp("A PEM public key that may have signed (repeatable: the first that verifies is the signer).", valueName: "file"))
    var key: [String] = []

    @OptionGroup var keyless: KeylessOptions

    @Option(name: .long, help: ArgumentHelp("The Sigstore bundle (v0.1, v0.2 or v0.3), or cosign 2's legacy blob bundle.", valueName: "file"))
    var bundle: String?

    @Option(name: .long, help: ArgumentHelp("A detached signature, raw or base64, instead of a bundle.", valueName: "file"))
    var signature: String?

    @Option(name: .long, help: ArgumentHelp("The signing certificate (PEM or DER) for --signature.", valueName: "file"))
    var certificate: String?

    @Option(name: .long, help: ArgumentHelp("cosign's detached RFC 3161 timestamp file, for --signature or a legacy blob bundle (needs --use-signed-timestamps).", valueName: "file"))
    var rfc3161Timestamp: String?

    @OptionGroup var trustedRootOptions: TrustedRootOptions

    @OptionGroup var mode: VerifierModeOptions

    @Option(name: .long, help: ArgumentHelp("Verify many bundle/artifact pairs listed in a file, or found in a directory.", valueName: "list"))
    var batch: String?

    @OptionGroup var outputOptions: OutputOptions

    @Argument(help: ArgumentHelp("The signed file, or its digest as sha256:HEX.", valueName: "file-or-digest"))
    var artifact: String?

    func validate() throws {
        guard key.isEmpty != keyless.isEmpty else {
            throw ValidationError(key.isEmpty ? KeylessOptions.signerMissing : "--key and the keyless --certificate-* flags cannot be combined")
        }
        if let batch {
            guard bundle == nil, signature == nil, certificate == nil, rfc3161Timestamp == nil, artifact == nil else {
                throw ValidationError("--batch \(batch) takes its bundles and artifacts from the list; drop --bundle, --signature, --certificate, --rfc3161-timestamp and the artifact argument")
            }
            return
        }
        guard artifact != nil else { throw ValidationError("give the file to verify, or its digest as sha256:HEX") }
        guard (bundle == nil) != (signature == nil) else {
            throw ValidationError("give exactly one of --bundle and --signature")
        }
        if certificate != nil {
            guard signature != nil else { throw ValidationError("--certificate goes with --signature; a bundle carries its own") }
            guard key.isEmpty else { throw ValidationError("--certificate is for keyless verification, not --key") }
        }
        if rfc3161Timestamp != nil, !mode.useSignedTimestamps {
            throw ValidationError("--rfc3161-timestamp needs --use-signed-timestamps, which makes the timestamp count")
        }
        if signature != nil, !keyless.isEmpty, certificate == nil {
            throw ValidationError("keyless verification of a detached --signature needs --certificate")
        }
    }

    func run() throws {
        let verifier = try mode.verifier(keyBased: !key.isEmpty, rootOptions: trustedRootOptions)
        let policy = try signerPolicy()
        if let batch {
            try runBatch(BatchList.read(batch), verifier: verifier, policy: policy)
            return
        }
        guard let artifact else { return }
        let target = try VerificationInputs.artifact(artifact)
        let subject = try loadBundle(for: target)
        let report = VerificationReport(verifier.verify(subject, artifact: target, policy: policy), bundle: bundle ?? signature, artifact: artifact)
        switch outputOptions.output {
        case .text: if report.verified { Terminal.printLines(report.textLines) }
        case .json: print(try OutputOptions.json(report))
        }
        guard report.verified else { throw CommandFailure("verification failed: \(report.failureLine)", status: .rejected) }
    }

    private func signerPolicy() throws -> SignerPolicy {
        if !key.isEmpty { return .publicKeys(try key.map(VerificationInputs.publicKey)) }
        return .identity(try keyless.requiredIdentity())
    }

    /// The bundle file, or a bundle made of `--signature` (and `--certificate`).
    private func loadBundle(for target: VerificationArtifact) throws -> SigstoreBundle {
        let timestamp = try rfc3161Timestamp.map(VerificationInputs.detachedTimestamp)
        if let bundle { return try VerificationInputs.bundle(bundle, detachedTimestamp: timestamp) }
        guard let signature else { throw CommandFailure("no bundle or signature given", status: .usage) }
        let bytes = try VerificationInputs.signature(signature)
        let material: VerificationMaterial.Signer = if let certificate {
            .certificate(try VerificationInputs.certificate(certificate).der)
        } else {
            .publicKey(hint: "")
        }
        let digest: Digest? = if case .digest(let digest) = target { digest } else { nil }
        return SigstoreBundle(version: .v0_3, verificationMaterial: VerificationMaterial(signer: material, rfc3161Timestamps: timestamp.map { [$0] } ?? []),
                              content: .messageSignature(MessageSignature(messageDigest: digest, signature: bytes)))
    }

    private func runBatch(_ pairs: [BatchList.Pair], verifier: SigstoreVerifier, policy: SignerPolicy) throws {
        var reports: [VerificationReport] = []
        var unreadable = 0
        for pair in pairs {
            let report: VerificationReport
            do {
                let target = try VerificationInputs.artifact(pair.artifact)
                let subject = try VerificationInputs.bundle(pair.bundle)
                report = VerificationReport(verifier.verify(subject, artifact: target, policy: policy), bundle: pair.bundle, artifact: pair.artifact)
            } catch {
                unreadable += 1
                report = VerificationReport(.rejected(VerificationFailure(.bundle, "\(error)")), bundle: pair.bundle, artifact: pair.artifact)
            }
            if outputOptions.output == .text {
                Terminal.printLine(report.verified ? "OK   \(pair.bundle) \(pair.artifact)" : "FAIL \(pair.bundle) \(pair.artifact): \(report.failureLine)")
            }
            reports.append(report)
        }
        let failed = reports.filter { !$0.verified }.count
        switch outputOptions.output {
        case .text: Terminal.printLine("\(reports.count - failed) verified, \(failed) failed")
        case .json: print(try OutputOptions.json(reports))
        }
        guard failed == 0 else {
            throw CommandFailure("\(failed) of \(reports.count) verifications failed", status: unreadable > 0 ? .failure : .rejected)
        }
    }
}

/// The `--batch` input: a list file of `BUNDLE ARTIFACT` lines, or a directory of
/// `NAME.sigstore.json` bundles beside their artifacts `NAME`.
enum BatchList {
    struct Pair {
        let bundle: String
        let artifact: String
    }

    static let bundleSuffix = ".sigstore.json"

    static func read(_ path: String) throws -> [Pair] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw CommandFailure("the batch list \(path) does not exist")
        }
        let pairs = isDirectory.boolValue ? try directoryPairs(path) : try listPairs(path)
        guard !pairs.isEmpty else { throw CommandFailure("the batch list \(path) names no bundle") }
        return pairs
    }

    private static func directoryPairs(_ path: String) throws -> [Pair] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: path)
        } catch {
            throw CommandFailure("cannot list \(path): \(error.localizedDescription)")
        }
        let directory = URL(fileURLWithPath: path)
        return names.filter { $0.hasSuffix(bundleSuffix) && $0.count > bundleSuffix.count }.sorted().map { name in
            Pair(bundle: directory.appendingPathComponent(name).path,
                 artifact: directory.appendingPathComponent(String(name.dropLast(bundleSuffix.count))).path)
        }
    }

    private static func listPairs(_ path: String) throws -> [Pair] {
        let text = String(decoding: try VerificationInputs.document(path, limit: 64 << 20, what: "batch list"), as: UTF8.self)
        var pairs: [Pair] = []
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard !trimmed.isEmpty, !trimmed.hasPrefix("#") else { continue }
            let fields = trimmed.contains("\t")
                ? trimmed.split(separator: "\t").map { $0.trimmingCharacters(in: .whitespaces) }
                : trimmed.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
            guard fields.count == 2 else {
                throw CommandFailure("\(path):\(number + 1): expected \"BUNDLE ARTIFACT\", found \(fields.count) field(s)")
            }
            pairs.append(Pair(bundle: fields[0], artifact: fields[1]))
        }
        return pairs
    }
}
