import AirlockCrypto

/// Loads a cosign key file for a command that signs: the file is read and validated first
/// (a malformed file is refused before any prompt), then the password is asked once and
/// scrypt runs once. Decrypt once per command and reuse the returned key.
func loadSigningKey(path: String, passwords: PasswordOptions) throws -> PrivateKey {
    let pem = try InputFile.text(path, limit: InputFile.keyLimit, what: "private key")
    let file: CosignKeyFile
    do {
        file = try CosignKeyFile(pem: pem)
    } catch let error as CryptoError {
        throw CommandFailure("\(path) is not a usable cosign private key: \(error.message)")
    }
    let password = try passwords.source.read(confirm: false)
    do {
        return try file.decrypt(password: password)
    } catch let error as CryptoError {
        throw CommandFailure("cannot decrypt \(path): \(error.message)")
    }
}
