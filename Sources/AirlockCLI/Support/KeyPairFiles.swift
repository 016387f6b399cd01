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

    /// Stages both files, then moves both into place; prints what cosign prints.
    func write(_ keyFile: CosignKeyFile, publicKey: PublicKey, force: Bool) throws {
        let privateFile = try StagedFile(destination: privateKeyPath, mode: 0o600, contents: Data(keyFile.pem.utf8))
        let publicFile = try StagedFile(destination: publicKeyPath, mode: 0o644, contents: Data(publicKey.pem.utf8))
        try privateFile.commit(overwrite: force)
        do {
            try publicFile.commit(overwrite: force)
        } catch {
            // Without --force the key file was new: take it back so no half pair is left.
            if !force { unlink(privateKeyPath) }
            throw error
        }
        Terminal.printNotice("Private key written to \(privateKeyPath)")
        Terminal.printNotice("Public key written to \(publicKeyPath)")
    }
}
