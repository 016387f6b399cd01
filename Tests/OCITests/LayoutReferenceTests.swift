import AirlockCrypto
import Testing
import OCI

@Suite("Layout references")
struct LayoutReferenceTests {
    let digest = sha256("manifest")

    @Test func directoryAlone() throws {
        let reference = try LayoutReference(parsing: "/tmp/layout")
        #expect(reference.path == "/tmp/layout")
        #expect(reference.selector == .soleImage)
    }

    @Test func directoryAndTag() throws {
        let reference = try LayoutReference(parsing: "out/layout:v1.2-rc_1")
        #expect(reference.path == "out/layout")
        #expect(reference.selector == .tag("v1.2-rc_1"))
        #expect(reference.description == "out/layout:v1.2-rc_1")
    }

    @Test func directoryAndDigest() throws {
        let reference = try LayoutReference(parsing: "layout@\(digest)")
        #expect(reference.path == "layout")
        #expect(reference.selector == .digest(digest))
    }

    @Test func colonInAnEarlierComponentBelongsToTheDirectory() throws {
        let tagged = try LayoutReference(parsing: "/data/v1:old/layout:v2")
        #expect(tagged.path == "/data/v1:old/layout")
        #expect(tagged.selector == .tag("v2"))
        let plain = try LayoutReference(parsing: "/data/v1:old/layout")
        #expect(plain.path == "/data/v1:old/layout")
        #expect(plain.selector == .soleImage)
        let digested = try LayoutReference(parsing: "/a:b@c/layout@\(digest)")
        #expect(digested.path == "/a:b@c/layout")
        #expect(digested.selector == .digest(digest))
    }

    @Test func trailingSlashMeansNoTag() throws {
        let reference = try LayoutReference(parsing: "./odd:name/")
        #expect(reference.path == "./odd:name/")
        #expect(reference.selector == .soleImage)
    }

    @Test func badDigestIsAnError() {
        for text in ["layout@sha256:abc", "layout@md5:\(digest.hex)", "layout@sha256:../../x"] {
            let error = #expect(throws: OCIError.self, "\(text)") { try LayoutReference(parsing: text) }
            #expect(error?.kind == .malformed)
        }
    }

    @Test func badTagOrEmptyDirectoryIsAnError() {
        for text in ["layout:", "layout:-x", "layout:a b", ":v1", "layout:" + String(repeating: "a", count: 129), ""] {
            #expect(throws: OCIError.self, "\(text)") { try LayoutReference(parsing: text) }
        }
    }

    @Test func tagGrammar() {
        #expect(LayoutReference.isValidTag("latest"))
        #expect(LayoutReference.isValidTag("_x.y-Z9"))
        #expect(LayoutReference.isValidTag(String(repeating: "a", count: 128)))
        #expect(!LayoutReference.isValidTag(".hidden"))
        #expect(!LayoutReference.isValidTag("a/b"))
        #expect(!LayoutReference.isValidTag("é"))
    }
}
