import Foundation
import Synchronization
import Testing

@testable import CLIP

/// The engine's own threads: every region's parts run exactly once, whether the helpers were
/// spinning, parked, late or busy with another caller's region. The timing tests use a team of
/// their own, so no other suite's forward pass shares it.
@Suite(.serialized) struct WorkerTeamTests {
    /// Regions back to back, as a forward pass runs them: each part, every time.
    @Test func everyPartOfEveryRegionRunsOnce() {
        let parts = Parallel.workerCount
        let regions = 20_000
        let counts = UnsafeMutableBufferPointer<Int>.allocate(capacity: parts * 16)
        defer { counts.deallocate() }
        counts.initialize(repeating: 0)
        for _ in 0..<regions {
            // One cache line per part, so the counters do not share one.
            Parallel.forEach(parts) { part, _ in counts[part * 16] += 1 }
        }
        #expect((0..<parts).map { counts[$0 * 16] } == Array(repeating: regions, count: parts))
    }

    /// A helper that parked while the team was idle wakes for the next region.
    @Test func aParkedHelperWakesForTheNextRegion() async throws {
        let team = WorkerTeam(helpers: 1)
        let ran = Atomic<Int>(0)
        try Self.run(on: team) { _, _ in ran.add(1, ordering: .relaxed) }
        // Parking follows the spin limit (50 µs): poll for it, with a deadline.
        let deadline = ContinuousClock.now + .seconds(10)
        var parked = false
        while !parked, ContinuousClock.now < deadline {
            parked = team.parkedHelperCount == 1
            await Task.yield()
        }
        #expect(parked)
        try Self.run(on: team) { _, _ in ran.add(1, ordering: .relaxed) }
        #expect(ran.load(ordering: .relaxed) == 4)
    }

    /// A part a helper runs for long after the caller's own part ended: the caller parks, and the
    /// helper's finishing wakes it, with the helper's writes visible. (A caller the system
    /// deschedules past the helper's end has nothing left to park for, so this tries a few times.)
    @Test func aCallerThatParksIsWokenWhenTheRegionEnds() throws {
        let team = WorkerTeam(helpers: 1)
        var parked = false
        for _ in 0..<20 where !parked {
            let parksBefore = team.callerParks.load(ordering: .relaxed)
            let helperResult = Atomic<Int>(0)
            try Self.runWithLateHelper(on: team, work: 5_000_000) { helperResult.store(1, ordering: .relaxed) }
            #expect(helperResult.load(ordering: .relaxed) == 1)
            parked = team.callerParks.load(ordering: .relaxed) > parksBefore
        }
        #expect(parked)
    }

    /// One late helper is a hiccup; two among the last eight regions are shared cores; a wait no
    /// longer than the caller's own part is no sign of either.
    @Test func lateHelpersAreCountedOverTheLastEightRegions() {
        let (short, long): (UInt64, UInt64) = (100_000, 5_000_000)  // nanoseconds
        var late = LateHelpers()
        var solo: [Bool] = []
        solo.append(late.record(waited: long, ownWork: short))
        for _ in 0..<7 { solo.append(late.record(waited: 0, ownWork: short)) }
        // The first late region is nine regions back by now; this one is as long as its own part.
        solo.append(late.record(waited: long, ownWork: short))
        solo.append(late.record(waited: long, ownWork: long))
        solo.append(late.record(waited: long, ownWork: short))
        // Counting starts again after a solo stretch.
        solo.append(late.record(waited: long, ownWork: short))
        #expect(solo == Array(repeating: false, count: 10) + [true, false])
    }

    /// While the caller runs short regions alone, no part goes to a helper; then the team is back.
    /// Long regions (an image batch's) keep the team throughout: there the second core gains more
    /// than a late helper costs.
    @Test func soloStretchesAreForShortRegionsAndEnd() throws {
        let team = WorkerTeam(helpers: 1)
        team.soloRegions = 3
        var helperTookPart = false
        let onCaller: (Int, Bool) -> Void = { _, onCaller in if !onCaller { helperTookPart = true } }
        try Parallel.shortRegions {
            for _ in 0..<3 { try Self.run(on: team, onCaller) }
        }
        #expect(!helperTookPart)
        #expect(team.soloRegions == 0)
        team.soloRegions = 3
        #expect(try Self.helperTakesAPart(of: team), "a long region during a solo stretch")
        #expect(try Parallel.shortRegions { try Self.helperTakesAPart(of: team) } == false)
    }

    /// Whether the helper takes the second part of a region: the caller's own part waits (up to a
    /// second) for it to.
    private static func helperTakesAPart(of team: WorkerTeam) throws -> Bool {
        let helperRan = Atomic<Bool>(false)
        try run(on: team) { _, onCaller in
            guard onCaller else { return helperRan.store(true, ordering: .relaxed) }
            let deadline = DispatchTime.now().uptimeNanoseconds + 1_000_000_000
            while !helperRan.load(ordering: .relaxed), DispatchTime.now().uptimeNanoseconds < deadline {}
        }
        return helperRan.load(ordering: .relaxed)
    }

    /// Forward passes on several threads at once: one holds the shared team, the others' regions
    /// run through `concurrentPerform`, and every part is right.
    @Test func concurrentCallersEachGetTheirWholeRegion() async {
        let parts = Parallel.workerCount
        await withTaskGroup(of: Bool.self) { group in
            for caller in 0..<4 {
                group.addTask {
                    for round in 0..<2_000 {
                        var written = [Int](repeating: 0, count: parts * 16)
                        written.withUnsafeMutableBufferPointer { written in
                            Parallel.forEach(parts) { part, _ in written[part * 16] = caller * 10_000 + round }
                        }
                        if (0..<parts).contains(where: { written[$0 * 16] != caller * 10_000 + round }) { return false }
                    }
                    return true
                }
            }
            for await correct in group { #expect(correct) }
        }
    }

    /// Runs one region of two parts on `team`, telling each part whether it runs on the caller.
    private static func run(on team: WorkerTeam, _ body: (_ part: Int, _ onCaller: Bool) -> Void) throws {
        let caller = pthread_self()
        let ran = team.run(parts: 2) { body($0, pthread_equal(pthread_self(), caller) != 0) }
        try #require(ran, "the test's own team was busy")
    }

    /// A region whose helper part takes `work` nanoseconds (work, not a sleep) and then calls
    /// `done`, while the caller's part ends as soon as the helper has taken its own: the caller
    /// cannot take both, so it waits for a helper far slower than itself.
    private static func runWithLateHelper(on team: WorkerTeam, work: UInt64, done: () -> Void) throws {
        let started = Atomic<Int>(0)
        try run(on: team) { _, onCaller in
            started.add(1, ordering: .relaxed)
            if onCaller {
                let deadline = DispatchTime.now().uptimeNanoseconds + 1_000_000_000
                while started.load(ordering: .relaxed) < 2, DispatchTime.now().uptimeNanoseconds < deadline {}
                return
            }
            let end = DispatchTime.now().uptimeNanoseconds + work
            while DispatchTime.now().uptimeNanoseconds < end {}
            done()
        }
    }
}
