import Catalog
import Foundation

/// Remembers recently authenticated keys for a few seconds, so a busy client does not cost a
/// database round trip per request. Only successes are kept (random wrong keys cannot fill it);
/// a key revoked through this process stops working at once (`forget`), one revoked through
/// another process within `lifetime`.
final class PrincipalCache: Sendable {
    private let reads: RecentReads<String, Principal>

    init(lifetime: Duration = .seconds(10), capacity: Int = 10_000) {
        reads = RecentReads(lifetime: lifetime, capacity: capacity)
    }

    func principal(for key: String, orLoad load: () async throws -> Principal?) async rethrows -> Principal? {
        try await reads.value(for: key, orLoad: load)
    }

    /// Drops every cached entry of a key (on revocation).
    func forget(keyID: UUID) {
        reads.forget { _, principal in principal.keyID == keyID }
    }
}
