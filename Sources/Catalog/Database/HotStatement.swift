import Logging
import PostgresNIO

/// A statement run for every document or job: prepared once per connection, so PostgreSQL
/// parses and analyses it once (and, after a few runs, plans it once) instead of on every call.
/// Profiled under load, parsing and planning the ingest's and the queue's CTEs cost PostgreSQL
/// more than running them.
///
/// The SQL is static (`$1`, `$2`… in place of interpolations); the instance holds the values.
protocol HotStatement: PostgresPreparedStatement where Row == PostgresRow {}

extension HotStatement {
    func decodeRow(_ row: PostgresRow) throws -> PostgresRow { row }
}

extension PostgresConnection {
    /// Runs a statement for its effects, reading whatever it returns to the end.
    func run(_ statement: some HotStatement, logger: Logger) async throws {
        for try await _ in try await execute(statement, logger: logger) {}
    }
}

extension PostgresBindings {
    /// The values of `$1`, `$2`… in order.
    init<each Value: PostgresNonThrowingEncodable>(_ values: repeat each Value) {
        self.init()
        for value in repeat each values { append(value) }
    }
}
