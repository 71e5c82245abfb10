import Foundation
import Logging
import PostgresNIO
import Synchronization

/// Group commit for the commonest request, one new item: the requests that arrive while one
/// write runs are recorded together by the next, one transaction and one WAL flush for all of
/// them. Each is answered only once that write has committed.
///
/// Measured on 2 cores, the ingest statement itself was the limit: PostgreSQL spends most of it
/// starting, locking and committing, not on the rows, so eight documents in one statement cost
/// about twice one (pgbench on the statement). Under light load a request runs alone, at once.
///
/// A JSON document comes with its placement (its collection's row, statistics and review), which
/// must commit with its asset. A group holding any is one transaction: the assets' statement,
/// then the placements of every request in it, one statement per collection
/// (`DocumentPlacement.write`). Alone, a one-document request was eight statements, each parsed
/// and planned: PostgreSQL spent 1.7 ms of CPU on it, and 32 clients got 548 documents/s. Shared,
/// 1,300/s (bench/queue).
///
/// Each row carries its request's fields, so requests of different owners share a statement.
/// Should the shared write fail, every request in it runs alone: one request's error stays its
/// own. One write runs at a time per process (two at once made smaller groups and fewer
/// documents/s), so one that waits (on a unique key another transaction holds) holds up the
/// requests queued behind it; they are bounded by the HTTP clients' own concurrency.
final class GroupedIngests: Sendable {
    /// Records per statement: bounds the statement's size and a request's wait.
    static let maximumGroup = 64

    private struct Waiter {
        let request: UUID
        let owner: String
        let row: NewAssetRow
        let placement: DocumentPlacement?
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

    /// Records one new asset of `request` (its `newAssetRow`) and its document's placement, if
    /// it has one. Returns its id by SHA-256; nothing when the owner already has it (a repeat,
    /// which the caller records, placement included); nil when the shared write failed and the
    /// request is the caller's to record alone.
    func insert(
        _ row: NewAssetRow, of request: UUID, owner: String, placement: DocumentPlacement?
    ) async throws -> [String: UUID]? {
        let grouped = await withCheckedContinuation { continuation in
            let startRunner = state.withLock { state in
                state.waiting.append(
                    Waiter(
                        request: request, owner: owner, row: row, placement: placement,
                        continuation: continuation))
                defer { state.running = true }
                return !state.running
            }
            if startRunner { Task { await self.drain() } }
        }
        if let grouped { return grouped }
        // If the connection broke after the shared commit, the request is recorded already.
        let committed = try await client.query(
            """
            SELECT encode(a.sha256, 'hex'), a.id FROM ingest_request_items i JOIN assets a ON a.id = i.asset_id
            WHERE i.request_id = \(request)
            """, logger: logger)
        var recorded: [String: UUID] = [:]
        for try await (sha256, id) in committed.decode((String, UUID).self) { recorded[sha256] = id }
        return recorded.isEmpty ? nil : recorded
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
                let ids = try await write(group)
                for waiter in group { waiter.continuation.resume(returning: ids[waiter.request] ?? [:]) }
            } catch {
                if group.count > 1 {
                    logger.debug("a grouped ingest failed; its requests run alone", metadata: ["error": "\(error)"])
                }
                for waiter in group { waiter.continuation.resume(returning: nil) }
            }
        }
    }

    /// The group's assets (one statement, committed by itself when no document is placed), and
    /// with them the placements of the requests whose asset is new.
    private func write(_ group: [Waiter]) async throws -> [UUID: [String: UUID]] {
        let statement = InsertNewAssets(group.map(\.row))
        guard group.contains(where: { $0.placement != nil }) else {
            return try await InsertNewAssets.ids(from: try await client.execute(statement, logger: logger))
        }
        return try await client.transaction(logger: logger) { connection in
            let ids = try await InsertNewAssets.ids(from: try await connection.execute(statement, logger: logger))
            let placements = group.compactMap { waiter in
                waiter.placement.flatMap { ids[waiter.request] == nil ? nil : (waiter.owner, $0) }
            }
            try await DocumentPlacement.write(placements, on: connection, logger: logger)
            return ids
        }
    }
}
