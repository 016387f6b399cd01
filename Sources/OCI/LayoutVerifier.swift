import AirlockCrypto
import Foundation

/// Checks a whole layout: every blob reachable from `index.json` (through indexes,
/// manifests, configs and layers) and from the referrer manifests stored for them (found by
/// `subject`, as `cosign save` leaves them only as blobs) must be present as a regular file,
/// have its descriptor's size and hash to its digest; manifests and indexes must parse.
///
/// Blobs are re-hashed in constant memory (streamed in 1 MiB buffers), several at once on
/// `parallelism` threads, largest first; a large blob whose hashing would leave threads idle
/// (nothing big left for them) is read and hashed on two threads instead. Stored blobs that nothing reaches are reported as
/// notes, not failures. Only an unreadable or malformed `index.json` (or `oci-layout`) throws;
/// everything else is reported in the result.
public struct LayoutVerifier: Sendable {
    public let layout: OCILayout
    /// At most how many blobs are hashed at the same time (one thread each).
    public let parallelism: Int

    public init(layout: OCILayout, parallelism: Int = ProcessInfo.processInfo.activeProcessorCount) {
        self.layout = layout
        self.parallelism = max(1, parallelism)
    }

    public func verify() throws -> LayoutVerification {
        let index = try layout.readIndex()
        let fromIndex = layout.walk(from: index.manifests)
        let stored = try layout.storedBlobs()
        let referrers = try findReferrers(reached: Set(fromIndex.blobs.map(\.descriptor.digest)), stored: stored)
        let walk = layout.walk(from: referrers.map(\.descriptor), continuing: fromIndex)
        let manifestDigests = Set(walk.manifests.map(\.descriptor.digest))
        let leaves = walk.blobs.filter { $0.role != .index && $0.role != .manifest }
        let (leafProblems, skipped) = hash(leaves)
        let reached = Set(walk.blobs.map(\.descriptor.digest))
        let unreachable = stored.filter { blob in blob.digest.map { !reached.contains($0) } ?? true }
        let problems = walk.problems + leafProblems
        let failed = Set(problems.compactMap(\.digest))
        let verifiedBytes = walk.blobs.reduce(Int64(0)) { total, blob in
            failed.contains(blob.descriptor.digest) || skipped.contains(blob.descriptor.digest) ? total : total + blob.descriptor.size
        }
        return LayoutVerification(blobs: walk.blobs, manifestCount: manifestDigests.count,
                                  referrers: referrers.map(\.descriptor), problems: problems,
                                  skippedForeignLayers: walk.blobs.map(\.descriptor).filter { skipped.contains($0.digest) },
                                  unreachable: unreachable, verifiedBytes: verifiedBytes)
    }

    /// Stored manifests whose subject is reached, transitively (a referrer of a referrer).
    private func findReferrers(reached: Set<Digest>, stored: [StoredBlob]) throws -> [ManifestBlob] {
        let candidates = try layout.storedManifests(among: stored.filter { blob in blob.digest.map { !reached.contains($0) } ?? false })
        var subjects = reached
        var found: [ManifestBlob] = []
        var remaining = candidates
        while true {
            let (matched, rest) = remaining.partitioned { $0.document.subject.map { subjects.contains($0.digest) } ?? false }
            guard !matched.isEmpty else { return found }
            found += matched
            subjects.formUnion(matched.map(\.descriptor.digest))
            remaining = rest
        }
    }

    /// Hashes config and layer blobs in parallel; returns their problems and the digests of
    /// absent foreign layers (descriptors with `urls`), which are not required to be present.
    private func hash(_ leaves: [ReachableBlob]) -> ([LayoutProblem], Set<Digest>) {
        let ordered = leaves.sorted { $0.descriptor.size > $1.descriptor.size }
        let workers = min(parallelism, max(ordered.count, 1))
        let work = HashingWork(sizes: ordered.map(\.descriptor.size), otherWorkers: parallelism - 1)
        let layout = self.layout
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            while let (slot, overlapped) = work.nextSlot() {
                work.record(slot, Self.check(ordered[slot], in: layout, overlapped: overlapped))
            }
        }
        var problems: [LayoutProblem] = []
        var skipped = Set<Digest>()
        for (blob, outcome) in zip(ordered, work.outcomes) {
            switch outcome {
            case .verified: break
            case .skippedForeign: skipped.insert(blob.descriptor.digest)
            case .failed(let error): problems.append(LayoutProblem(digest: blob.descriptor.digest, role: blob.role, error: error))
            }
        }
        return (problems.sorted { ($0.digest?.description ?? "") < ($1.digest?.description ?? "") }, skipped)
    }

    private static func check(_ blob: ReachableBlob, in layout: OCILayout, overlapped: Bool) -> Outcome {
        let descriptor = blob.descriptor
        do {
            guard let reader = try layout.openBlob(descriptor.digest) else {
                if let urls = descriptor.urls, !urls.isEmpty { return .skippedForeign }
                return .failed(OCIError(.missing, "\(descriptor.digest) missing"))
            }
            guard reader.size == descriptor.size else {
                return .failed(OCIError(.sizeMismatch, "\(descriptor.digest) size \(reader.size) != descriptor \(descriptor.size)"))
            }
            try reader.verifyContent(overlapped: overlapped)
            return .verified
        } catch let error as OCIError {
            return .failed(error)
        } catch {
            return .failed(OCIError(.io, "\(descriptor.digest): \(error)"))
        }
    }

    private enum Outcome: Sendable {
        case verified, skippedForeign
        case failed(OCIError)
    }

    /// Hands out blob slots to worker threads, largest blob first, and collects outcomes.
    private final class HashingWork: @unchecked Sendable {
        private let lock = NSLock()
        private var next = 0
        private var slots: [Outcome?]
        private let sizes: [Int64]
        /// `unclaimedAfter[i]`: the bytes of the blobs after slot `i` (saturating).
        private let unclaimedAfter: [Int64]
        private let otherWorkers: Int64

        init(sizes: [Int64], otherWorkers: Int) {
            self.sizes = sizes
            slots = Array(repeating: nil, count: sizes.count)
            var after = Array(repeating: Int64(0), count: sizes.count)
            for index in sizes.indices.reversed().dropFirst() {
                let (sum, overflow) = after[index + 1].addingReportingOverflow(sizes[index + 1])
                after[index] = overflow ? .max : sum
            }
            unclaimedAfter = after
            self.otherWorkers = Int64(max(0, otherWorkers))
        }

        /// The next slot, and whether to hash it overlapped with its reading: when the blobs
        /// left for the other workers are fewer bytes than this one, they would idle.
        func nextSlot() -> (Int, overlapped: Bool)? {
            lock.lock()
            defer { lock.unlock() }
            guard next < slots.count else { return nil }
            next += 1
            let slot = next - 1
            return (slot, otherWorkers > 0 && unclaimedAfter[slot] / otherWorkers < sizes[slot])
        }

        func record(_ slot: Int, _ outcome: Outcome) {
            lock.lock()
            slots[slot] = outcome
            lock.unlock()
        }

        var outcomes: [Outcome] {
            lock.lock()
            defer { lock.unlock() }
            return slots.map { $0 ?? .failed(OCIError(.io, "blob was not checked")) }
        }
    }
}

/// The outcome of `LayoutVerifier.verify()`.
public struct LayoutVerification: Sendable {
    /// Every blob reached, each digest once (including the referrers and their blobs).
    public let blobs: [ReachableBlob]
    /// How many of `blobs` are manifests or indexes that were read and parsed.
    public let manifestCount: Int
    /// Referrer manifests found only through their `subject`, not listed in `index.json`.
    public let referrers: [Descriptor]
    /// Everything that failed; empty when the layout is intact.
    public let problems: [LayoutProblem]
    /// Foreign layers (descriptors with `urls`) that are absent, as they may legitimately be.
    public let skippedForeignLayers: [Descriptor]
    /// Files in the blob store that nothing reaches (and files whose names are not digests).
    public let unreachable: [StoredBlob]
    /// Total size of the blobs that were checked and matched.
    public let verifiedBytes: Int64

    /// True when no problem was found.
    public var passed: Bool { problems.isEmpty }
    /// True when some problem is not an integrity failure (malformed, unsupported or refused
    /// content, I/O errors) — the layout could not be fully read.
    public var hasUnreadableContent: Bool { problems.contains { !$0.error.isIntegrityFailure } }
}

extension Array {
    /// Splits into the elements that satisfy `belongs` and the rest, keeping order.
    fileprivate func partitioned(by belongs: (Element) -> Bool) -> ([Element], [Element]) {
        var matched: [Element] = []
        var rest: [Element] = []
        for element in self {
            if belongs(element) { matched.append(element) } else { rest.append(element) }
        }
        return (matched, rest)
    }
}
