import Foundation
import InputMutation
import Testing

/// One run of the built binary on a mutated input, and what its outcome must satisfy besides
/// the rules every hostile input obeys (`SmokeRun.violation`).
struct SmokeCase: Sendable {
    /// The command and the mutation, for failure messages.
    let label: String
    let arguments: [String]
    var environment: [String: String] = [:]
    /// A further rule on the outcome (e.g. "a changed signed field never verifies"): a
    /// description of the breach, or nil.
    var judge: (@Sendable (AirlockProcess.Result) -> String?)?
}

/// Runs smoke cases concurrently and checks the rules of hostile
/// input: no signal, no Swift runtime trap, no timeout, an exit status in {0, 1, 2, 64}, and
/// on failure exactly one stderr line `airlock: error: …`.
enum SmokeRun {
    static let allowedStatuses: Set<Int32> = [0, 1, 2, 64]
    static let trapMarkers = ["Fatal error", "Illegal instruction", "Stack dump", "Current stack trace", "Segmentation fault"]
    /// A hostile input gets this long before the run counts as a hang.
    static let timeout: TimeInterval = 30
    /// For a long campaign: `AIRLOCK_SMOKE_SCALE` multiplies the number of cases and
    /// `AIRLOCK_SMOKE_SEED` changes the mutations.
    static let scale = ProcessInfo.processInfo.environment["AIRLOCK_SMOKE_SCALE"].flatMap(Int.init) ?? 1
    static func random(_ seed: UInt64) -> SplitMix64 {
        SplitMix64(seed: seed ^ (ProcessInfo.processInfo.environment["AIRLOCK_SMOKE_SEED"].flatMap(UInt64.init) ?? 0))
    }

    /// Runs `cases` concurrently (as many at a time as there are cores), records an issue for
    /// each breach, and prints how many runs ended with each status after `name`.
    static func run(_ cases: [SmokeCase], name: String) {
        let outcomes = Outcomes(count: cases.count)
        DispatchQueue.concurrentPerform(iterations: cases.count) { position in
            let smoke = cases[position]
            outcomes.record(position, Result {
                try AirlockProcess.run(smoke.arguments, environment: smoke.environment, timeout: timeout)
            })
        }
        var statuses: [Int32: Int] = [:]
        for (smoke, outcome) in zip(cases, outcomes.results) {
            switch outcome {
            case .failure(let error):
                Issue.record("\(smoke.label): could not run: \(error)")
            case .success(let result):
                statuses[result.status, default: 0] += 1
                if let breach = violation(result) ?? smoke.judge?(result) {
                    Issue.record("\(smoke.label): \(breach); \(result)")
                }
            case nil:
                Issue.record("\(smoke.label): not run")
            }
        }
        print("\(name): \(cases.count) runs, exit statuses \(statuses.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", "))")
    }

    /// The rule of hostile input a result breaks, or nil.
    static func violation(_ result: AirlockProcess.Result) -> String? {
        if result.timedOut { return "timed out after \(Int(timeout)) s" }
        if result.signaled { return "killed by signal \(result.status)" }
        if let marker = trapMarkers.first(where: { result.stderrText.contains($0) || result.stdoutText.contains($0) }) {
            return "runtime trap (\"\(marker)\")"
        }
        guard allowedStatuses.contains(result.status) else { return "exit status \(result.status)" }
        if result.status != 0, !result.isOneLineError { return "stderr is not one `airlock: error:` line" }
        return nil
    }

    /// The results of the concurrent runs, by case position.
    private final class Outcomes: @unchecked Sendable {
        private let lock = NSLock()
        private var slots: [Result<AirlockProcess.Result, any Error>?]

        init(count: Int) { slots = Array(repeating: nil, count: count) }

        func record(_ position: Int, _ outcome: Result<AirlockProcess.Result, any Error>) {
            lock.lock()
            slots[position] = outcome
            lock.unlock()
        }

        var results: [Result<AirlockProcess.Result, any Error>?] {
            lock.lock()
            defer { lock.unlock() }
            return slots
        }
    }
}
