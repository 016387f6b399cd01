import AirlockCrypto
import Foundation
import Sigstore
import SigstoreTestKit

// KitBundles DIR COUNT: writes DIR/trusted_root.json and COUNT keyless bundles of a fresh
// private Sigstore (message signatures, bundle v0.3, Rekor v1 entries with SET and proof) as
// DIR/bundles/NAME.sigstore.json beside their artifacts DIR/bundles/NAME, plus DIR/list
// ("BUNDLE ARTIFACT" lines). Prints the identity and issuer to verify them with.
let arguments = CommandLine.arguments
guard arguments.count == 3, let count = Int(arguments[2]), count > 0 else {
    FileHandle.standardError.write(Data("usage: KitBundles DIR COUNT\n".utf8))
    exit(2)
}
do {
    let directory = URL(fileURLWithPath: arguments[1])
    let bundles = directory.appendingPathComponent("bundles")
    try FileManager.default.createDirectory(at: bundles, withIntermediateDirectories: true)
    let kit = try PrivateSigstore()
    try kit.trustedRoot.encoded().write(to: directory.appendingPathComponent("trusted_root.json"))
    var list = ""
    for index in 0..<count {
        let name = String(format: "artifact-%05d", index)
        let made = try kit.makeBundle(BundleRecipe(artifact: Data("kit artifact \(index)\n".utf8)))
        let artifact = bundles.appendingPathComponent(name)
        let bundle = bundles.appendingPathComponent(name + ".sigstore.json")
        try made.artifact.write(to: artifact)
        try made.json.write(to: bundle)
        list += "\(bundle.path) \(artifact.path)\n"
    }
    try Data(list.utf8).write(to: directory.appendingPathComponent("list"))
    print("\(LeafProfile.defaultIdentity) \(LeafProfile.defaultIssuer)")
} catch {
    FileHandle.standardError.write(Data("KitBundles: \(error)\n".utf8))
    exit(1)
}
