import Synchronization

/// Reads of the catalog kept for a moment, so that a busy client does not cost the same read on
/// every request. Only what `load` found is kept (a read that found nothing, such as a wrong API
/// key, is not, so random keys cannot fill it). A change this process makes is seen at once
/// (`forget`); one made by another process within `lifetime`, which is why each user says what
/// a stale value can and cannot do.
public final class RecentReads<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    private struct Entry {
        let value: Value
        let expires: ContinuousClock.Instant
    }

    private let entries = Mutex<[Key: Entry]>([:])
    /// Moved by every `forget`: a read that began before a change must not be kept.
    private let generation = Atomic<UInt64>(0)
    public let lifetime: Duration
    public let capacity: Int

    public init(lifetime: Duration, capacity: Int = 10_000) {
        self.lifetime = lifetime
        self.capacity = capacity
    }

    /// The value read within `lifetime`, unless `fresh`; else `load`'s, kept if it found one.
    public func value(
        for key: Key, fresh: Bool = false, orLoad load: () async throws -> Value?
    ) async rethrows -> Value? {
        let now = ContinuousClock.now
        if !fresh, let entry = entries.withLock({ $0[key] }), entry.expires > now { return entry.value }
        let before = generation.load(ordering: .acquiring)
        guard let value = try await load() else { return nil }
        entries.withLock { entries in
            guard generation.load(ordering: .acquiring) == before else { return }
            if entries.count >= capacity { entries = entries.filter { $0.value.expires > now } }
            if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            entries[key] = Entry(value: value, expires: now + lifetime)
        }
        return value
    }

    /// Drops the entries that a change made here has made stale.
    public func forget(where stale: (Key, Value) -> Bool) {
        entries.withLock { entries in
            generation.add(1, ordering: .releasing)
            entries = entries.filter { !stale($0.key, $0.value.value) }
        }
    }
}
