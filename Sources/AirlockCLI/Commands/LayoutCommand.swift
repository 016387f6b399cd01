import ArgumentParser

/// `airlock layout`: check OCI image layouts and manage their tags.
struct LayoutCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "layout",
        abstract: "Check OCI image layouts and manage their tags.",
        discussion: """
        A layout is referenced as DIR (its only image), DIR:TAG (the index.json entry whose \
        org.opencontainers.image.ref.name is TAG) or DIR@sha256:HEX (a manifest or index, \
        listed in index.json or stored only as a blob). Only the last path component can \
        carry a tag or digest; end DIR with '/' when its name contains ':'.
        """,
        subcommands: [LayoutVerifyCommand.self, LayoutTagCommand.self, LayoutUntagCommand.self]
    )
}
