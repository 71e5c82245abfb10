import Metrics
import Synchronization

/// Open HTTP connections of this process, shared by every connection's `ConnectionGuard`.
final class ConnectionCounter: Sendable {
    private let open = Atomic<Int>(0)
    private let gauge = Gauge(label: "afa_http_open_connections")

    /// Counts a new connection; false when it is over `limit` (it is counted all the same, and
    /// `close()` must follow either way).
    func open(limit: Int) -> Bool {
        let count = open.wrappingAdd(1, ordering: .relaxed).newValue
        gauge.record(count)
        return count <= limit
    }

    func close() {
        gauge.record(open.wrappingSubtract(1, ordering: .relaxed).newValue)
    }
}
