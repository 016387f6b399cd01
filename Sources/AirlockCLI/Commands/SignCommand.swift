import ArgumentParser
import Cosign
import Foundation
import OCI

/// `airlock sign`: sign images of OCI layouts with a static key, as cosign does offline.
struct SignCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sign",
        abstract: "Sign images in OCI layouts with a static key (cosign-compatible, offline).",
        discussion: """
        A tag is resolved to its digest first and the digest is signed; the output names it. \
        --format legacy writes a simple-signing layer into the .sig image tagged \
        sha256-<hex>.sig (cosign 2, policy-controller, containers-image); --format bundle \
        writes a Sigstore bundle v0.3 (DSSE of an in-toto statement with predicate type \
        https://sigstore.dev/cosign/sign/v1) as an OCI 1.1 referrer listed in index.json \
        (cosign 3); both is the default. Signing again adds a signature; the same payload \
        already signed by the same key is not added twice. A multi-platform image is signed \
        at its index; --recursive also signs every platform manifest.

        docker-reference (the repository written into the payload) comes from --reference, \
        else from the image's index.json annotations io.airlock.image.name, \
        io.containerd.image.name or a full org.opencontainers.image.ref.name.

        Layouts stay readable by cosign verify --local-image and cosign load: while a layout \
        holds a single image, that image gets cosign's kind annotation and its .sig entry \
        kind=dev.cosignproject.cosign/sigs; a layout of several images gets tags only. No \
        transparency-log entry is written. Many images are signed in one run with one key \
        decryption and one index.json update per layout. Bundle referrers record \
        SOURCE_DATE_EPOCH as their creation time when it is set.

        \(PasswordOptions.discussion)
        """)

    enum FormatChoice: String, ExpressibleByArgument, CaseIterable {
        case legacy, bundle, both

        var formats: Set<SignatureFormat> {
            switch self {
            case .legacy: [.legacy]
            case .bundle: [.bundle]
            case .both: Set(SignatureFormat.allCases)
            }
        }
    }

    @Option(name: .shortAndLong, help: ArgumentHelp("The cosign private key file.", valueName: "file"))
    var key: String

    @Option(name: [.customShort("a"), .long], help: ArgumentHelp("Add key=value to the signed payload (repeatable).", valueName: "key=value"))
    var annotation: [String] = []

    @Option(name: .long, help: "Which signatures to write: legacy (.sig image), bundle (referrer) or both.")
    var format: FormatChoice = .both

    @Flag(name: .long, help: "Also sign every platform manifest of a multi-platform image.")
    var recursive = false

    @Option(name: .long, help: ArgumentHelp("The repository to write as docker-reference (e.g. registry.example/team/app).", valueName: "name"))
    var reference: String?

    @OptionGroup var passwords: PasswordOptions
    @OptionGroup var imageArguments: ImageArguments

    func validate() throws {
        _ = try AnnotationPairs.parse(annotation)
        if let reference {
            do {
                _ = try RepositoryName(parsing: reference)
            } catch {
                throw ValidationError("--reference: \(error.message)")
            }
        }
    }

    func run() throws {
        let groups = try imageArguments.resolve()
        let options = SigningOptions(formats: format.formats, annotations: try AnnotationPairs.parse(annotation), recursive: recursive,
                                     dockerReference: reference,
                                     created: try BundleReferrer.creationTime(environment: ProcessInfo.processInfo.environment, now: Date()))
        let signer = ImageSigner(key: try loadSigningKey(path: key, passwords: passwords))
        for group in groups {
            let labels = Dictionary(group.images.map { ($0.descriptor.digest, $0.label) }) { first, _ in first }
            for signed in try signer.sign(group.images.map(\.descriptor), in: group.layout, options: options) {
                Terminal.printLine(Self.describe(signed, label: labels[signed.descriptor.digest]))
            }
        }
    }

    /// `DIR:v1 sha256:… signed as registry/repo: legacy added (sha256-….sig sha256:…), bundle added (referrer sha256:…)`.
    static func describe(_ signed: SignedManifest, label: String?) -> String {
        var parts: [String] = []
        if let legacy = signed.legacy {
            parts.append("legacy \(describe(legacy)) (\(SignatureImage.tag(for: signed.descriptor.digest)) \(legacy.digest))")
        }
        if let bundle = signed.bundle {
            parts.append("bundle \(describe(bundle)) (referrer \(bundle.digest))")
        }
        let what = label.map { "\($0) \(signed.descriptor.digest)" }
            ?? "  \(signed.descriptor.platform.map { "\($0) " } ?? "")\(signed.descriptor.digest)"
        return "\(what) signed as \(signed.dockerReference): \(parts.joined(separator: ", "))"
    }

    private static func describe(_ outcome: SignedManifest.Outcome) -> String {
        switch outcome {
        case .added: "added"
        case .alreadyPresent: "already present"
        }
    }
}
