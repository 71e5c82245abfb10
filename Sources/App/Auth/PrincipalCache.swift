import Catalog
import Foundation
import Synchronization

/// Remembers recently authenticated keys for a few seconds, so a busy client does not cost a
/// database round trip per request. Only successes are kept (random wrong keys cannot fill it);
/// a key revoked through this process stops working at once (`forget`), one revoked through
/// another process within `lifetime`.
final class PrincipalCache: Sendable {
    private struct Entry {
        let principal: Principal
        let expires: ContinuousClock.Instant
    }

    private let entries = Mutex<[String: Entry]>([:])
    /// Moved by every `forget`: a lookup that began before a revocation must not cache its result.
    private let generation = Atomic<UInt64>(0)
    let lifetime: Duration
    let capacity: Int

    init(lifetime: Duration = .seconds(10), capacity: Int = 10_000) {
        self.lifetime = lifetime
        self.capacity = capacity
    }

    func principal(for key: String, orLoad load: () async throws -> Principal?) async rethrows -> Principal? {
        let now = ContinuousClock.now
        if let entry = entries.withLock({ $0[key] }), entry.expires > now { return entry.principal }
        let before = generation.load(ordering: .acquiring)
        guard let principal = try await load() else { return nil }
        entries.withLock { entries in
            guard generation.load(ordering: .acquiring) == before else { return }
            if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            entries[key] = Entry(principal: principal, expires: now + lifetime)
        }
        return principal
    }

    /// Drops every cached entry of a key (on revocation).
    func forget(keyID: UUID) {
        entries.withLock { entries in
            generation.add(1, ordering: .releasing)
            entries = entries.filter { $0.value.principal.keyID != keyID }
        }
    }
}
