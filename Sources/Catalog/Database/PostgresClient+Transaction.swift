import Logging
import PostgresNIO

extension PostgresClient {
    /// `withTransaction`, but an error thrown by `body` (after a clean rollback) comes out as
    /// itself rather than wrapped, so callers can match on it (`LeaseLost`, a rejection…).
    func transaction<Result>(
        logger: Logger, isolation: isolated (any Actor)? = #isolation,
        _ body: (PostgresConnection) async throws -> sending Result
    ) async throws -> sending Result {
        do {
            return try await withTransaction(logger: logger, isolation: isolation, body)
        } catch let error as PostgresTransactionError {
            if let cause = error.closureError, error.rollbackError == nil { throw cause }
            throw error
        }
    }
}
