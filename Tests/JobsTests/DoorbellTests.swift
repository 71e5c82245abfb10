import Testing

@testable import Jobs

/// The doorbell is where idle workers sleep; a continuation it loses is a worker that never
/// wakes, or a shutdown that never completes (`waitForRing() leaked its continuation`).
@Suite struct DoorbellTests {
    @Test func everyWaiterReturnsOnRingTimeoutOrCancellationAndNothingIsLeft() async {
        let bell = Doorbell()
        await withTaskGroup(of: Void.self) { group in
            for index in 0..<2000 {
                group.addTask {
                    // Timeouts of 0 to 3 ms race the rings and the cancellations below.
                    await bell.wait(upTo: .microseconds(index % 4 * 1000))
                }
                if index.isMultiple(of: 7) { bell.ring() }
            }
            for index in 0..<500 {
                let waiter = Task { await bell.wait(upTo: .seconds(3600)) }
                if index.isMultiple(of: 2) { bell.ring() } else { waiter.cancel() }
                group.addTask {
                    if index.isMultiple(of: 2) { waiter.cancel() }
                    await waiter.value
                }
            }
            await group.waitForAll()
        }
        #expect(bell.pendingEntries == 0)
    }

    @Test func aRingBetweenLookingAndWaitingIsNotSleptThrough() async {
        let bell = Doorbell()
        let seen = bell.rings
        bell.ring()  // a job arrived after the worker looked, before it waited
        let started = ContinuousClock.now
        await bell.wait(upTo: .seconds(3600), unlessRungSince: seen)
        // Far below the hour it would sleep through; generous, since the test runs beside
        // suites that keep both cores busy.
        #expect(ContinuousClock.now - started < .seconds(300))
    }

    @Test func aLongWaitEndsWhenItsTaskIsCancelled() async {
        let bell = Doorbell()
        let waiter = Task { await bell.wait(upTo: .seconds(3600)) }
        waiter.cancel()
        await waiter.value
        #expect(bell.pendingEntries == 0)
    }
}
