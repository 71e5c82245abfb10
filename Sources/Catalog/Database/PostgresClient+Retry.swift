import Logging
import PostgresNIO

extension PostgresClient {
    /// Runs `body` (a transaction or a single statement) again when PostgreSQL aborted it to
    /// resolve a conflict between concurrent transactions: a deadlock (`40P01`) or a
    /// serialization failure (`40001`). Both leave nothing behind and usually succeed at once
    /// on a second try, so a client sees them only if they persist. Writers take their locks
    /// in one order (see `IngestRepository`), so this is the second line of defence.
    func retryingConflicts<Result: Sendable>(
        attempts: Int = 5, logger: Logger, _ body: () async throws -> Result
    ) async throws -> Result {
        var attempt = 1
        while true {
            do {
                return try await body()
            } catch let error where attempt < attempts && Self.isTransientConflict(error) {
                logger.debug("transaction conflict, retrying", metadata: ["attempt": "\(attempt)"])
                // A short, growing, jittered pause, so two transactions that collided do not
                // collide again in lockstep.
                try await Task.sleep(for: .milliseconds(Int.random(in: 5...25) * attempt))
                attempt += 1
            }
        }
    }

    static func isTransientConflict(_ error: any Error) -> Bool {
        let underlying = (error as? PostgresTransactionError)?.closureError ?? error
        guard let state = (underlying as? PSQLError)?.serverInfo?[.sqlState] else { return false }
        return state == "40P01" || state == "40001"
    }
}
