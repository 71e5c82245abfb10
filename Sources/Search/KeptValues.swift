import Synchronization

/// Values that cost a catalog read and change slowly, kept for a while and shared by queries:
/// a value older than `lifetime` is read again when next asked for. Bounded: keys (owners,
/// scopes) come and go, and an evicted value is only read again.
final class KeptValues<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    let lifetime: Duration
    let capacity: Int
    private let values = Mutex([Key: (value: Value, read: ContinuousClock.Instant)]())

    init(lifetime: Duration, capacity: Int = 256) {
        self.lifetime = lifetime
        self.capacity = capacity
    }

    /// The kept value, or `read()`'s, kept from now. Two queries that miss together both read:
    /// cheaper than making one wait for the other, and either value is as good.
    func value(_ key: Key, read: () async throws -> Value) async throws -> Value {
        if let kept = values.withLock({ $0[key] }), kept.read.duration(to: .now) < lifetime { return kept.value }
        let value = try await read()
        values.withLock { values in
            if values.count >= capacity { values.removeAll() }
            values[key] = (value, .now)
        }
        return value
    }
}
