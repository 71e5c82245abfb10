import Logging
import PostgresNIO
import Synchronization

/// Wakes the workers after new jobs commit, one `NOTIFY` for every commit that came before it.
///
/// PostgreSQL serialises the commits of transactions that notify: a global lock is held from
/// before the commit record until after its flush. An ingest that notified in its own statement
/// therefore flushed the WAL alone, one document after another, where plain commits share a
/// flush (measured: a fifth of the documents per second). The ingest commits without notifying
/// and rings here; the NOTIFY goes out in a statement of its own, and while one is on its way
/// further rings are folded into the next. A NOTIFY is a hint: a worker that misses one still
/// polls (`JOB_POLL_MS`).
public final class WorkerWakeUps: Sendable {
    private struct State {
        var sending = false
        var pending = false
    }

    private let state = Mutex(State())
    private let client: PostgresClient
    private let logger: Logger

    init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    /// Returns at once; the NOTIFY follows.
    public func ring() {
        let startSender = state.withLock { state in
            state.pending = true
            defer { state.sending = true }
            return !state.sending
        }
        if startSender { Task { await self.send() } }
    }

    /// Sends back to back while rings arrive; each NOTIFY serves every ring before it started.
    private func send() async {
        while state.withLock({ state in
            defer { state.pending = false }
            state.sending = state.pending
            return state.pending
        }) {
            do {
                for try await _ in try await client.query(
                    "SELECT pg_notify(\(JobRepository.channel), '')", logger: logger)
                {}
            } catch {
                logger.debug("could not wake the workers; they will poll", metadata: ["error": "\(error)"])
            }
        }
    }
}
