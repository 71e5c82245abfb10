import Foundation
import Logging
import PostgresNIO
import Synchronization

/// Group commit for the commonest request, one new document: the requests that arrive while one
/// statement runs are recorded together by the next, one statement and one WAL flush for all of
/// them. Each is answered only once that statement has committed.
///
/// Measured on 2 cores, the ingest statement itself was the limit: PostgreSQL spends most of it
/// starting, locking and committing, not on the rows, so eight documents in one statement cost
/// about twice one (pgbench on the statement). Under light load a request runs alone, at once.
///
/// Each record carries its request's fields, so requests of different owners share a statement.
/// Should the shared statement fail, every request in it runs its statement alone: one request's
/// error stays its own. One statement runs at a time per process, so one that waits (on a unique
/// key another transaction holds) holds up the requests queued behind it; they are bounded by
/// the HTTP clients' own concurrency.
final class GroupedIngests: Sendable {
    /// Records per statement: bounds the statement's size and a request's wait.
    static let maximumGroup = 64

    private struct Waiter {
        let request: UUID
        let record: JSONValue
        let continuation: CheckedContinuation<[String: UUID]?, Never>
    }

    private struct State {
        var waiting: [Waiter] = []
        var running = false
    }

    private let state = Mutex(State())
    private let client: PostgresClient
    private let logger: Logger

    init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    /// Records one new asset of `request` (its `newAssetRecord`); returns its id by SHA-256, or
    /// nothing when the owner already has it.
    func insert(_ record: JSONValue, of request: UUID) async throws -> [String: UUID] {
        let grouped = await withCheckedContinuation { continuation in
            let startRunner = state.withLock { state in
                state.waiting.append(Waiter(request: request, record: record, continuation: continuation))
                defer { state.running = true }
                return !state.running
            }
            if startRunner { Task { await self.drain() } }
        }
        if let grouped { return grouped }
        // The shared statement failed. If the connection broke after its commit, the request is
        // recorded already; otherwise it runs alone, and its own error (if any) is its own.
        let committed = try await client.query(
            """
            SELECT encode(a.sha256, 'hex'), a.id FROM ingest_request_items i JOIN assets a ON a.id = i.asset_id
            WHERE i.request_id = \(request)
            """, logger: logger)
        var recorded: [String: UUID] = [:]
        for try await (sha256, id) in committed.decode((String, UUID).self) { recorded[sha256] = id }
        if !recorded.isEmpty { return recorded }
        let rows = try await client.execute(InsertNewAssets([record]), logger: logger)
        return try await InsertNewAssets.ids(from: rows)[request] ?? [:]
    }

    /// Runs statements back to back while requests wait.
    private func drain() async {
        while true {
            let group: [Waiter] = state.withLock { state in
                let group = Array(state.waiting.prefix(Self.maximumGroup))
                state.waiting.removeFirst(group.count)
                if group.isEmpty { state.running = false }
                return group
            }
            guard !group.isEmpty else { return }
            do {
                let rows = try await client.execute(InsertNewAssets(group.map(\.record)), logger: logger)
                let ids = try await InsertNewAssets.ids(from: rows)
                for waiter in group { waiter.continuation.resume(returning: ids[waiter.request] ?? [:]) }
            } catch {
                if group.count > 1 {
                    logger.debug("a grouped ingest failed; its requests run alone", metadata: ["error": "\(error)"])
                }
                for waiter in group { waiter.continuation.resume(returning: nil) }
            }
        }
    }
}
