import CKernels
import Foundation
import Synchronization

/// The threads that run the engine's parallel regions beside the calling thread.
///
/// A text query is about fifty regions in ten milliseconds. Through `concurrentPerform` each one
/// woke a parked thread and waited for it to park again, so the two cores spent a good part of a
/// query handing work over. Here a thread with nothing to do spins for a moment (`spinLimit`, about
/// the gap between two regions of one forward pass) before it parks, so the regions of one pass
/// find each other awake, and a core shared with libvips, ffmpeg or PostgreSQL is given back
/// within that moment once the engine stops.
///
/// The cores are shared, so no thread may wait for another that the system has descheduled:
/// - a region's parts are claimed, not assigned: whoever comes first runs the next part, so a
///   caller whose helper is not running runs every part itself (as `concurrentPerform` does);
/// - the caller waits only for parts already claimed, and parks after `spinLimit` too.
/// An earlier team (reverted) had neither: with two CPU-bound processes beside it, a caller spun
/// through its time slice for a helper that was waiting for a core, and images/s fell by a third.
///
/// One region runs at a time: a region that finds the team busy (another forward pass in flight)
/// runs through `concurrentPerform` instead, which is as correct, only slower.
final class WorkerTeam: @unchecked Sendable {
    static let shared = WorkerTeam(helpers: Parallel.workerCount - 1)

    /// How long a waiting thread spins before it parks.
    static let spinLimit: UInt64 = 50_000  // nanoseconds
    /// Short regions (`Parallel.shortRegions`: a text query's) the caller runs alone after it waited
    /// long for helpers the system had descheduled, before it tries the team again: about one
    /// query. On cores shared with other processes, a short region whose other part is stuck
    /// behind one of them takes longer than both parts run here. Long regions (an image batch's)
    /// keep the team: there the second core gains more than the waits cost (measured with two
    /// CPU-bound processes beside the engine, docs/clip.md).
    static let soloRegionsWhenShared = 64

    let helpers: Int
    private let busy = Atomic<Bool>(false)
    /// The current region and its next unclaimed part, in one word so that a claim can only take a
    /// part of the region it saw (`Claims`).
    private let claims = Atomic<UInt64>(0)
    /// Parts of the current region run to their end.
    private let finished = Atomic<Int>(0)
    private let parkedHelpers = Atomic<Int>(0)
    private let callerParked = Atomic<Bool>(false)
    private let helpersWake = NSCondition()
    private let callerWakes = NSCondition()
    /// The region's body: written before its region is published, read only by a thread that has
    /// claimed one of its parts (so the region cannot have ended), cleared by the caller after.
    nonisolated(unsafe) private var job: ((Int) -> Void)?
    /// Short regions still to run on the caller alone (`soloRegionsWhenShared`); only the thread
    /// that holds `busy` touches it (and tests, on a team of their own).
    nonisolated(unsafe) var soloRegions = 0
    nonisolated(unsafe) private var lateHelpers = LateHelpers()
    /// How often a caller has parked waiting for a part a helper was running: for tests.
    let callerParks = Atomic<Int>(0)

    /// The engine has one (`shared`); tests make their own, so no other suite's forward pass
    /// shares it.
    init(helpers: Int) {
        self.helpers = helpers
        for helper in 0..<helpers {
            let thread = Thread { [unowned self] in self.serve() }
            thread.name = "afa-clip-\(helper + 1)"
            thread.start()
        }
    }

    /// Runs `body(part)` for every part in `0..<parts`, on this thread and the helpers, returning
    /// when all have run. `false` if the team is busy with another region (then nothing ran).
    func run(parts: Int, _ body: (Int) -> Void) -> Bool {
        guard helpers > 0, parts <= Claims.maximumParts,
            busy.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged
        else { return false }
        defer { busy.store(false, ordering: .releasing) }
        let shortRegions = Parallel.inShortRegions
        if shortRegions, soloRegions > 0 {
            soloRegions -= 1
            for part in 0..<parts { body(part) }
            return true
        }
        withoutActuallyEscaping(body) { body in
            job = body
            finished.store(0, ordering: .relaxed)
            let region = Claims(claims.load(ordering: .relaxed)).region &+ 1
            // Sequentially consistent with a parking helper's count and check (`park`): either it
            // sees the new region, or this sees it counted and wakes it.
            claims.store(Claims(region: region, parts: parts, next: 0).word, ordering: .sequentiallyConsistent)
            if parkedHelpers.load(ordering: .sequentiallyConsistent) > 0 {
                helpersWake.lock()
                helpersWake.broadcast()
                helpersWake.unlock()
            }
            let started = DispatchTime.now().uptimeNanoseconds
            while let part = claim(in: region) {
                body(part)
                finished.add(1, ordering: .releasing)
            }
            let ownWork = DispatchTime.now().uptimeNanoseconds - started
            let waited = waitForParts(parts)
            job = nil
            if shortRegions, lateHelpers.record(waited: waited, ownWork: ownWork) {
                soloRegions = Self.soloRegionsWhenShared
            }
        }
        return true
    }

    /// The next part of `region`, or nil once every part is taken (or the region is over).
    private func claim(in region: UInt64) -> Int? {
        var current = claims.load(ordering: .acquiring)
        while true {
            let seen = Claims(current)
            guard seen.region == region, seen.next < seen.parts else { return nil }
            let (exchanged, original) = claims.compareExchange(
                expected: current, desired: Claims(region: region, parts: seen.parts, next: seen.next + 1).word,
                ordering: .acquiringAndReleasing)
            if exchanged { return seen.next }
            current = original
        }
    }

    /// Nanoseconds waited.
    private func waitForParts(_ parts: Int) -> UInt64 {
        let start = DispatchTime.now().uptimeNanoseconds
        let deadline = start + Self.spinLimit
        while finished.load(ordering: .acquiring) < parts {
            if DispatchTime.now().uptimeNanoseconds > deadline {
                callerParks.add(1, ordering: .relaxed)
                callerWakes.lock()
                // Sequentially consistent with a helper's last part (`serve`), as in `run`.
                callerParked.store(true, ordering: .sequentiallyConsistent)
                while finished.load(ordering: .sequentiallyConsistent) < parts { callerWakes.wait() }
                callerParked.store(false, ordering: .relaxed)
                callerWakes.unlock()
                break
            }
            afa_cpu_relax()
        }
        return DispatchTime.now().uptimeNanoseconds - start
    }

    private func serve() {
        var region: UInt64 = 0
        while true {
            let deadline = DispatchTime.now().uptimeNanoseconds + Self.spinLimit
            while Claims(claims.load(ordering: .acquiring)).region == region {
                if DispatchTime.now().uptimeNanoseconds > deadline {
                    park(after: region)
                    break
                }
                afa_cpu_relax()
            }
            let current = Claims(claims.load(ordering: .acquiring))
            region = current.region
            while let part = claim(in: region) {
                perform(part)
                let done = finished.add(1, ordering: .sequentiallyConsistent).newValue
                if done == current.parts, callerParked.load(ordering: .sequentiallyConsistent) {
                    callerWakes.lock()
                    callerWakes.broadcast()
                    callerWakes.unlock()
                }
            }
        }
    }

    /// Not inlined, so the body is released before `finished` says the part is done: the caller's
    /// `withoutActuallyEscaping` checks that nothing holds it afterwards.
    @inline(never)
    private func perform(_ part: Int) {
        job?(part)
    }

    /// Helpers parked now, waiting for a region.
    var parkedHelperCount: Int { parkedHelpers.load(ordering: .relaxed) }

    private func park(after region: UInt64) {
        helpersWake.lock()
        parkedHelpers.add(1, ordering: .sequentiallyConsistent)
        while Claims(claims.load(ordering: .sequentiallyConsistent)).region == region { helpersWake.wait() }
        parkedHelpers.subtract(1, ordering: .sequentiallyConsistent)
        helpersWake.unlock()
    }

    /// A region's number, its part count and its next unclaimed part, packed in 64 bits.
    private struct Claims {
        static let maximumParts = 255
        let region: UInt64
        let parts: Int
        let next: Int

        init(region: UInt64, parts: Int, next: Int) {
            self.region = region & (1 << 48 - 1)
            self.parts = parts
            self.next = next
        }

        init(_ word: UInt64) {
            self.init(region: word >> 16, parts: Int(word >> 8 & 0xFF), next: Int(word & 0xFF))
        }

        var word: UInt64 { region << 16 | UInt64(parts) << 8 | UInt64(next) }
    }
}

/// Whether a team's helpers are late because the cores are shared: the parts of a region are
/// about equal, so a helper that needed far longer than the caller was not running. One late
/// region is a hiccup (a virtual machine's host took the core a moment); two among the last eight
/// are cores shared for a while.
struct LateHelpers {
    /// The last eight short regions the team ran, a bit each, set where the helper was late.
    private var recent: UInt8 = 0

    /// Records one region; true when the caller should run the next short regions alone.
    mutating func record(waited: UInt64, ownWork: UInt64) -> Bool {
        recent = recent << 1 | (waited > 2 * max(ownWork, WorkerTeam.spinLimit) ? 1 : 0)
        guard recent.nonzeroBitCount >= 2 else { return false }
        recent = 0
        return true
    }
}
