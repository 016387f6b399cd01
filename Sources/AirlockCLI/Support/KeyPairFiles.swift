import AirlockCrypto
import Foundation

/// `PREFIX.key` (mode 0600) and `PREFIX.pub` (mode 0644), written together or not at all.
struct KeyPairFiles {
    let privateKeyPath: String
    let publicKeyPath: String

    init(prefix: String) {
        privateKeyPath = prefix + ".key"
        publicKeyPath = prefix + ".pub"
    }

    /// Fails naming the first file that already exists, unless `force`. Called before any
    /// password is asked; `write` checks again atomically.
    func checkWritable(force: Bool) throws {
        guard !force else { return }
        for path in [privateKeyPath, publicKeyPath] {
            var status = stat()
            if lstat(path, &status) == 0 {
                throw CommandFailure("\(path) already exists; pass --force to overwrite it")
            }
        }
    }

    /// Stages both files, then moves both into place, the public key first; prints what
    /// cosign prints. A failure leaves a matching pair: a file this call created is removed,
    /// and with `force` the public key it replaced is put back (a link to it is kept until the
    /// private key is in place), so a new `.key` never sits beside an old `.pub`, nor the reverse.
    func write(_ keyFile: CosignKeyFile, publicKey: PublicKey, force: Bool) throws {
        let privateFile = try StagedFile(destination: privateKeyPath, mode: 0o600, contents: Data(keyFile.pem.utf8))
        let publicFile = try StagedFile(destination: publicKeyPath, mode: 0o644, contents: Data(publicKey.pem.utf8))
        let previousPublicKey = force ? try PreviousFile(keeping: publicKeyPath) : nil
        try publicFile.commit(overwrite: force)
        do {
            try privateFile.commit(overwrite: force)
        } catch {
            if let previousPublicKey { previousPublicKey.restore() } else { unlink(publicKeyPath) }
            throw error
        }
        Terminal.printNotice("Private key written to \(privateKeyPath)")
        Terminal.printNotice("Public key written to \(publicKeyPath)")
    }
}

/// The file an overwrite may replace, kept under a second name (a hard link beside it) until
/// the overwrite is known to stand: `restore` puts it back, and it is dropped at deinit. When
/// nothing is there, `restore` removes whatever the overwrite created.
private final class PreviousFile {
    let path: String
    private let keptPath: String?
    private var restored = false

    /// Links the file at `path`, if any; a directory there is left alone (replacing it fails).
    init(keeping path: String) throws {
        self.path = path
        var status = stat()
        guard lstat(path, &status) == 0, status.st_mode & S_IFMT != S_IFDIR else {
            keptPath = nil
            return
        }
        let url = URL(fileURLWithPath: path)
        let kept = url.deletingLastPathComponent().appendingPathComponent(
            ".\(url.lastPathComponent).\(String(UInt64.random(in: 0...UInt64.max), radix: 36)).previous").path
        guard link(path, kept) == 0 else {
            throw CommandFailure("cannot keep a copy of \(path) while replacing it: \(String(cString: strerror(errno)))")
        }
        keptPath = kept
    }

    deinit {
        if let keptPath, !restored { unlink(keptPath) }
    }

    func restore() {
        restored = true
        if let keptPath {
            rename(keptPath, path)
        } else {
            unlink(path)
        }
    }
}
