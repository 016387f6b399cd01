import ArgumentParser
import OCI
import Transfer

/// Turns Transfer and OCI errors into `CommandFailure`s: refused archive entries, digest or
/// size mismatches and failed arrival checks exit 1 (rejected); input that cannot be used,
/// tag conflicts and I/O failures exit 2.
enum TransferFailure {
    static func mapping<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as TransferError {
            switch error.kind {
            case .hostileEntry, .mismatch, .rejected:
                throw CommandFailure(error.message, status: .rejected)
            case .malformed, .conflict, .io:
                throw CommandFailure(error.message, status: .failure)
            }
        } catch let error as OCIError {
            throw CommandFailure(error.message, status: error.isIntegrityFailure ? .rejected : .failure)
        }
    }
}

extension ArchiveCompression: ExpressibleByArgument {}
