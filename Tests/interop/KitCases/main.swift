import Foundation
import SigstoreTestKit

// KitCases DIR: writes the cases of the keyless interop test (Tests/interop/keyless.sh), made by
// a fresh private Sigstore: DIR/trusted_root.json, DIR/NAME/ with bundle.sigstore.json, artifact
// and, for a case with its own, trusted_root.json; and DIR/manifest, a line per case:
// NAME EXPECTED(ok|fail) IDENTITY ISSUER AIRLOCK_FLAGS(comma-separated, or -) [airlock-only: REASON]
guard CommandLine.arguments.count == 2 else {
    FileHandle.standardError.write(Data("usage: KitCases DIR\n".utf8))
    exit(2)
}
do {
    let directory = URL(fileURLWithPath: CommandLine.arguments[1])
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    let kit = try PrivateSigstore()
    try kit.trustedRoot.encoded().write(to: directory.appendingPathComponent("trusted_root.json"))
    let cases = try KitCase.all(kit: kit)
    for kitCase in cases { try kitCase.write(into: directory) }
    try Data(cases.map { $0.manifestLine + "\n" }.joined().utf8).write(to: directory.appendingPathComponent("manifest"))
} catch {
    FileHandle.standardError.write(Data("KitCases: \(error)\n".utf8))
    exit(1)
}
