import Synchronization

/// Wakes idle workers when a job is enqueued (rung by LISTEN/NOTIFY); workers also wake on
/// their own after a poll interval, so a lost notification only delays work, never loses it.
///
/// Every waiter's continuation lives in one table under one lock, and whoever takes it out of
/// the table (a ring, the timeout, cancellation) is the one that resumes it: exactly once, on
/// every path. A release that comes before the waiter has parked leaves a marker, so the waiter
/// returns at once instead of missing it; the table is cleaned when `wait` returns.
final class Doorbell: Sendable {
    private enum Entry {
        case parked(CheckedContinuation<Void, Never>)
        /// Released before it parked.
        case released
    }

    private struct State {
        var rings: UInt64 = 0
        var nextID: UInt64 = 0
        var entries: [UInt64: Entry] = [:]
    }

    private let state = Mutex(State())

    /// How many times the bell has rung: read it before looking for work, and pass it to
    /// `wait`, so a ring between the look and the wait is not slept through.
    var rings: UInt64 { state.withLock { $0.rings } }

    func ring() {
        let woken = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.rings &+= 1
            var woken: [CheckedContinuation<Void, Never>] = []
            for (id, entry) in state.entries {
                if case .parked(let continuation) = entry {
                    woken.append(continuation)
                    state.entries[id] = nil
                }
            }
            return woken
        }
        for continuation in woken { continuation.resume() }
    }

    /// Returns on a ring (or at once if one came after `seen`), after `timeout`, or when the
    /// task is cancelled.
    func wait(upTo timeout: Duration, unlessRungSince seen: UInt64? = nil) async {
        let id = state.withLock { state in
            state.nextID &+= 1
            return state.nextID
        }
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                // Cancelled (the waiter already returned): nothing to release.
                guard (try? await Task.sleep(for: timeout)) != nil else { return }
                self.release(id)
            }
            await park(id, unlessRungSince: seen)
            group.cancelAll()
        }
        state.withLock { _ = $0.entries.removeValue(forKey: id) }
    }

    private func park(_ id: UInt64, unlessRungSince seen: UInt64?) async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { state -> Bool in
                    let rang = seen.map { $0 != state.rings } ?? false
                    if case .released = state.entries[id] { return true }
                    if rang || Task.isCancelled { return true }
                    state.entries[id] = .parked(continuation)
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            release(id)
        }
    }

    private func release(_ id: UInt64) {
        let continuation = state.withLock { state -> CheckedContinuation<Void, Never>? in
            switch state.entries[id] {
            case .parked(let continuation):
                state.entries[id] = nil
                return continuation
            case .released:
                return nil
            case nil:
                state.entries[id] = .released
                return nil
            }
        }
        continuation?.resume()
    }

    /// Waiters parked or markers left right now (tests: nothing may leak).
    var pendingEntries: Int { state.withLock { $0.entries.count } }
}
