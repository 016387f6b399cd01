import ArgumentParser

/// The `airlock` root command: sign, verify and carry OCI images across an air gap.
public struct Airlock: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "airlock",
        abstract: "Sign, verify and carry OCI images and their signatures across an air gap, offline.",
        version: "0.1.0",
        subcommands: [
            GenerateKeyPairCommand.self,
            ImportKeyPairCommand.self,
            PublicKeyCommand.self,
            LayoutCommand.self,
            SignCommand.self,
            VerifyCommand.self,
            SignBlobCommand.self,
            VerifyBlobCommand.self,
            TrustedRootCommand.self,
            PackCommand.self,
            UnpackCommand.self,
            InspectCommand.self,
            InventoryCommand.self,
        ]
    )

    public init() {}
}
