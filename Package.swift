// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "airlock",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "airlock", targets: ["airlock"]),
        .library(name: "AirlockKit", targets: ["AirlockCrypto", "AirlockJSON", "DurableFiles", "OCI", "Sigstore", "Cosign", "Transfer"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    ],
    targets: [
        // C libraries from Debian, through pkg-config.
        .systemLibrary(name: "COpenSSL", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "CSodium", pkgConfig: "libsodium", providers: [.apt(["libsodium-dev"])]),
        .systemLibrary(name: "CArchive", pkgConfig: "libarchive", providers: [.apt(["libarchive-dev"])]),

        // The only module that imports OpenSSL and libsodium.
        .target(name: "AirlockCrypto", dependencies: ["COpenSSL", "CSodium", "AirlockJSON"]),
        // Durable file I/O: owned descriptors, atomic replace (temp, fsync, rename, directory fsync), flock.
        .target(name: "DurableFiles"),
        // Strict JSON (duplicate keys rejected, limits), RFC 8785 canonical form, Go escaping.
        .target(name: "AirlockJSON"),
        // OCI image layout: descriptors, manifests, references, the layout store.
        .target(name: "OCI", dependencies: ["AirlockCrypto", "AirlockJSON", "DurableFiles"]),
        // Sigstore bundle, trusted root, transparency log, certificate identity, verifier.
        .target(name: "Sigstore", dependencies: ["AirlockCrypto", "AirlockJSON"]),
        // cosign conventions on OCI: simple signing, .sig images, bundle referrers, DSSE/in-toto.
        .target(name: "Cosign", dependencies: ["AirlockCrypto", "AirlockJSON", "OCI", "Sigstore"]),
        // pack / unpack / inspect / inventory; the only module that imports libarchive.
        .target(name: "Transfer", dependencies: ["CArchive", "AirlockCrypto", "AirlockJSON", "DurableFiles", "OCI", "Sigstore", "Cosign", "Yams"]),
        // Command-line layer: one file per subcommand.
        .target(name: "AirlockCLI", dependencies: [
            "AirlockCrypto", "AirlockJSON", "DurableFiles", "OCI", "Sigstore", "Cosign", "Transfer",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .executableTarget(name: "airlock", dependencies: ["AirlockCLI"]),

        // A private Sigstore instance for tests: CA, CT log, Rekor-style log, TSA, trusted root.
        .target(name: "SigstoreTestKit", dependencies: ["AirlockCrypto", "AirlockJSON", "Sigstore"]),

        // Test-only: private keys made directly with OpenSSL in foreign PEM formats (independent of AirlockCrypto).
        .target(name: "KeyFixtures", dependencies: ["COpenSSL"], path: "Tests/KeyFixtures"),
        // Test-only: seeded mutations of untrusted input (bytes, JSON, PEM) for the fuzz and smoke tests.
        .target(name: "InputMutation", dependencies: ["AirlockCrypto", "AirlockJSON"], path: "Tests/InputMutation"),

        .testTarget(name: "AirlockCryptoTests", dependencies: ["AirlockCrypto", "KeyFixtures"]),
        .testTarget(name: "AirlockJSONTests", dependencies: ["AirlockJSON"]),
        .testTarget(name: "DurableFilesTests", dependencies: ["DurableFiles"]),
        .testTarget(name: "OCITests", dependencies: ["OCI", "AirlockJSON", "AirlockCrypto", "InputMutation"]),
        .testTarget(name: "SigstoreTests", dependencies: ["Sigstore", "AirlockJSON", "AirlockCrypto", "SigstoreTestKit", "InputMutation"]),
        .testTarget(name: "CosignTests", dependencies: ["Cosign", "AirlockJSON", "OCI", "Sigstore", "AirlockCrypto", "SigstoreTestKit"]),
        .testTarget(name: "TransferTests", dependencies: ["Transfer", "OCI", "Cosign", "AirlockCrypto", "InputMutation"]),
        .testTarget(name: "CLITests", dependencies: ["AirlockCrypto", "AirlockJSON", "OCI", "Sigstore", "SigstoreTestKit", "KeyFixtures", "InputMutation"]),

        // Benchmark input: writes N bundles of a private Sigstore and its trusted root (Tests/bench/verify-blob.sh).
        .executableTarget(name: "KitBundles", dependencies: ["AirlockCrypto", "Sigstore", "SigstoreTestKit"], path: "Tests/bench/KitBundles"),
        // Interop input: writes the keyless cases of a private Sigstore, good and one defect each (Tests/interop/keyless.sh).
        .executableTarget(name: "KitCases", dependencies: ["Sigstore", "SigstoreTestKit"], path: "Tests/interop/KitCases"),
    ]
)
