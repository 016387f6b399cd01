import Foundation
import Transfer

/// A one-line progress bar on stderr — bytes done, rate, time left — redrawn with `\r` at
/// most ten times a second. Only made when stderr is a terminal and `--quiet` is not given.
final class TerminalProgress: TransferProgress {
    private let label: String
    private let start = Date()
    private var lastDraw = Date.distantPast
    private var drawn = false

    private init(label: String) {
        self.label = label
    }

    /// A progress bar, or nil when it should stay silent.
    static func make(_ label: String, quiet: Bool) -> TerminalProgress? {
        quiet || !Terminal.stderrIsTerminal ? nil : TerminalProgress(label: label)
    }

    func update(completed: Int64, total: Int64) {
        let now = Date()
        guard now.timeIntervalSince(lastDraw) >= 0.1 else { return }
        lastDraw = now
        let elapsed = max(now.timeIntervalSince(start), 0.001)
        let rate = Double(completed) / elapsed
        let fraction = total > 0 ? min(Double(completed) / Double(total), 1) : 0
        let width = 24
        let filled = Int(fraction * Double(width))
        let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
        let left = rate > 0 && total > completed ? Self.duration(Double(total - completed) / rate) : "0:00"
        let line = "\(label) [\(bar)] \(ByteCount(completed)) / \(ByteCount(total))  \(ByteCount(Int64(rate)))/s  \(left) left"
        FileHandle.standardError.write(Data("\r\(line)\u{1B}[K".utf8))
        drawn = true
    }

    func finish() {
        guard drawn else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
        drawn = false
    }

    static func duration(_ seconds: Double) -> String {
        let total = Int(seconds.rounded(.up))
        return total >= 3600 ? String(format: "%d:%02d:%02d", total / 3600, total / 60 % 60, total % 60)
            : String(format: "%d:%02d", total / 60, total % 60)
    }
}
