/// Receives progress of a long transfer (pack, unpack). Called after every block of data,
/// often; implementations throttle their own output.
public protocol TransferProgress: AnyObject {
    /// `completed` of `total` bytes are done (for unpack: bytes of the archive file read).
    func update(completed: Int64, total: Int64)
    /// The transfer ended (successfully or not); clear any partial output line.
    func finish()
}
