import Testing
@testable import Sigstore
