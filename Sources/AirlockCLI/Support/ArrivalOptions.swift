import ArgumentParser
import Transfer

/// The checks `unpack` runs on a staged tarball before merging it, and whose verdicts
/// `inspect` shows. Verification options (keys, keyless identities, policies, trust material
/// named from the archive) join here; each becomes one `ArrivalCheck`.
struct ArrivalOptions: ParsableArguments {
    @Flag(help: "Require every image to carry at least one signature or Sigstore bundle (presence only, nothing is verified).")
    var requireSignatures = false

    /// The checks the options ask for, in the order they run.
    func checks() -> [any ArrivalCheck] {
        requireSignatures ? [SignaturePresenceCheck()] : []
    }
}
