import AirlockJSON
import ArgumentParser
import Sigstore

/// The certificate identity flags of keyless verification, named as cosign names them.
/// Regular expressions are unanchored, as in cosign: anchor them with `^…$`.
struct KeylessOptions: ParsableArguments {
    @Option(name: .customLong("certificate-identity"), help: ArgumentHelp("The exact subject alternative name of the signing certificate (a URI or email).", valueName: "uri"))
    var identity: String?

    @Option(name: .customLong("certificate-identity-regexp"), help: ArgumentHelp("A regular expression the subject alternative name must contain a match of (unanchored; use ^…$).", valueName: "regexp"))
    var identityRegexp: String?

    @Option(name: .customLong("certificate-oidc-issuer"), help: ArgumentHelp("The exact OIDC issuer of the signing certificate.", valueName: "uri"))
    var issuer: String?

    @Option(name: .customLong("certificate-oidc-issuer-regexp"), help: ArgumentHelp("A regular expression the OIDC issuer must contain a match of (unanchored; use ^…$).", valueName: "regexp"))
    var issuerRegexp: String?

    @Option(name: .customLong("certificate-github-workflow-trigger"), help: ArgumentHelp("The GitHub workflow trigger claim (1.3.6.1.4.1.57264.1.2).", valueName: "value"))
    var githubWorkflowTrigger: String?

    @Option(name: .customLong("certificate-github-workflow-sha"), help: ArgumentHelp("The GitHub workflow commit SHA claim (1.3.6.1.4.1.57264.1.3).", valueName: "value"))
    var githubWorkflowSHA: String?

    @Option(name: .customLong("certificate-github-workflow-name"), help: ArgumentHelp("The GitHub workflow name claim (1.3.6.1.4.1.57264.1.4).", valueName: "value"))
    var githubWorkflowName: String?

    @Option(name: .customLong("certificate-github-workflow-repository"), help: ArgumentHelp("The GitHub workflow repository claim (1.3.6.1.4.1.57264.1.5).", valueName: "value"))
    var githubWorkflowRepository: String?

    @Option(name: .customLong("certificate-github-workflow-ref"), help: ArgumentHelp("The GitHub workflow ref claim (1.3.6.1.4.1.57264.1.6).", valueName: "value"))
    var githubWorkflowRef: String?

    @Option(name: .customLong("certificate-build-signer-uri"), help: ArgumentHelp("The build signer URI claim (1.3.6.1.4.1.57264.1.9).", valueName: "uri"))
    var buildSignerURI: String?

    /// The claim flags with their values, when given.
    private var claims: [FulcioClaim: String] {
        let pairs: [(FulcioClaim, String?)] = [
            (.githubWorkflowTrigger, githubWorkflowTrigger), (.githubWorkflowSHA, githubWorkflowSHA),
            (.githubWorkflowName, githubWorkflowName), (.githubWorkflowRepository, githubWorkflowRepository),
            (.githubWorkflowRef, githubWorkflowRef), (.buildSignerURI, buildSignerURI),
        ]
        return Dictionary(uniqueKeysWithValues: pairs.compactMap { claim, value in value.map { (claim, $0) } })
    }

    /// Whether any keyless flag was given.
    var isEmpty: Bool {
        identity == nil && identityRegexp == nil && issuer == nil && issuerRegexp == nil && claims.isEmpty
    }

    func validate() throws {
        guard !isEmpty else { return }
        guard identity != nil || identityRegexp != nil else {
            throw ValidationError("keyless verification needs --certificate-identity or --certificate-identity-regexp")
        }
        guard issuer != nil || issuerRegexp != nil else {
            throw ValidationError("keyless verification needs --certificate-oidc-issuer or --certificate-oidc-issuer-regexp")
        }
        do {
            _ = try certificateIdentity()
        } catch {
            throw ValidationError(error.message)
        }
    }

    /// The usage error of a verification given neither `--key` nor keyless flags.
    static let signerMissing = "give --key PUB, or keyless flags (--certificate-identity[-regexp] and --certificate-oidc-issuer[-regexp])"

    /// The identity the flags describe, or nil when no keyless flag was given.
    func certificateIdentity() throws(FormatError) -> CertificateIdentity? {
        guard !isEmpty else { return nil }
        return CertificateIdentity(subjectAlternativeName: try ValueMatcher(exact: identity, regularExpression: identityRegexp),
                                   issuer: try ValueMatcher(exact: issuer, regularExpression: issuerRegexp),
                                   claims: claims)
    }

    /// The identity the flags describe, for a verification without keys: none is a usage failure.
    func requiredIdentity() throws -> CertificateIdentity {
        guard let identity = try certificateIdentity() else { throw CommandFailure("no certificate identity given", status: .usage) }
        return identity
    }
}
