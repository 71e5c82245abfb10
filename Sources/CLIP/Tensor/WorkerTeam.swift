import Foundation
import Synchronization

/// The threads that run the engine's parallel regions beside the calling thread.
///
/// A text query is about 60 regions in a few milliseconds, a single image about 80. Handing each to
/// `DispatchQueue.concurrentPerform` woke parked threads every time, so the cores spent much of
/// a query waiting for one another. These threads spin for a short while after each region before
/// they park, as OpenMP's do, so the next region starts at once; a forward pass pays for at most
/// one wake-up. One region runs at a time: a region that finds the team busy (another forward
/// pass in flight) goes to `concurrentPerform` instead, which is still correct, only slower.
final class WorkerTeam: @unchecked Sendable {
    static let shared = WorkerTeam(helpers: Parallel.workerCount - 1)

    /// Spins before a helper parks: tens of microseconds, enough for the gaps between the regions
    /// of one forward pass (the element-wise work the caller does alone), short enough not to
    /// take a core from other work when the engine is idle.
    private static let spinsBeforeParking = 50_000

    let helpers: Int
    private let busy = Atomic<Bool>(false)
    private let generation = Atomic<Int>(0)
    private let remaining = Atomic<Int>(0)
    private let parked = Atomic<Int>(0)
    private let parking = NSCondition()
    /// The region's body: written before `generation` moves on, read by helpers after they see it.
    nonisolated(unsafe) private var job: ((Int) -> Void)?

    private init(helpers: Int) {
        self.helpers = helpers
        for helper in 0..<helpers {
            let thread = Thread { [unowned self] in self.serve(worker: helper + 1) }
            thread.name = "afa-clip-\(helper + 1)"
            thread.start()
        }
    }

    /// Runs `body(worker)` for worker 0 (on the calling thread) to `helpers`, returning when all
    /// have. `false` if the team is busy with another region (nothing ran).
    func run(_ body: (Int) -> Void) -> Bool {
        guard helpers > 0, busy.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged
        else { return false }
        defer { busy.store(false, ordering: .releasing) }
        withoutActuallyEscaping(body) { body in
            job = body
            remaining.store(helpers, ordering: .relaxed)
            generation.add(1, ordering: .sequentiallyConsistent)
            if parked.load(ordering: .sequentiallyConsistent) > 0 {
                parking.lock()
                parking.broadcast()
                parking.unlock()
            }
            body(0)
            while remaining.load(ordering: .acquiring) > 0 {}
            job = nil
        }
        return true
    }

    private func serve(worker: Int) {
        var seen = 0
        while true {
            var spins = 0
            while generation.load(ordering: .acquiring) == seen {
                spins += 1
                if spins >= Self.spinsBeforeParking {
                    park(until: seen)
                    spins = 0
                }
            }
            seen = generation.load(ordering: .acquiring)
            perform(worker)
            remaining.subtract(1, ordering: .releasing)
        }
    }

    /// Not inlined, so the body is released before `remaining` says this worker is done: the
    /// caller's `withoutActuallyEscaping` checks that nothing holds it afterwards.
    @inline(never)
    private func perform(_ worker: Int) {
        job?(worker)
    }

    private func park(until seen: Int) {
        parking.lock()
        parked.add(1, ordering: .sequentiallyConsistent)
        while generation.load(ordering: .sequentiallyConsistent) == seen { parking.wait() }
        parked.subtract(1, ordering: .sequentiallyConsistent)
        parking.unlock()
    }
}
