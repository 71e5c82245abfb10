import Logging
import PostgresNIO

/// Applies pending migrations. Two processes starting at once serialise on an advisory lock,
/// so each migration runs exactly once; each runs in its own transaction.
public struct Migrator: Sendable {
    /// An arbitrary constant that names "schema migrations of afa" among advisory locks.
    static let advisoryLockKey: Int64 = 0x00AF_A000_0001

    let client: PostgresClient
    let migrations: [Migration]
    let logger: Logger

    public init(client: PostgresClient, migrations: [Migration] = Migration.all, logger: Logger) {
        self.client = client
        self.migrations = migrations
        self.logger = logger
    }

    /// Returns the versions applied by this call (empty when the schema was current).
    @discardableResult
    public func migrate() async throws -> [Int] {
        try await client.withConnection { connection in
            try await connection.query("SELECT pg_advisory_lock(\(Self.advisoryLockKey))", logger: logger)
            do {
                let applied = try await applyPending(on: connection)
                try await connection.query("SELECT pg_advisory_unlock(\(Self.advisoryLockKey))", logger: logger)
                return applied
            } catch {
                _ = try? await connection.query("SELECT pg_advisory_unlock(\(Self.advisoryLockKey))", logger: logger)
                throw error
            }
        }
    }

    /// Versions known to this binary but not yet applied; `/readyz` fails while any remain.
    public func pendingVersions() async throws -> [Int] {
        let applied = try await appliedVersions(using: { try await client.query($0, logger: logger) })
        return migrations.map(\.version).filter { !applied.contains($0) }
    }

    private func applyPending(on connection: PostgresConnection) async throws -> [Int] {
        try await connection.query(
            """
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version int PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())
            """, logger: logger)
        let applied = try await appliedVersions(using: { try await connection.query($0, logger: logger) })
        var newlyApplied: [Int] = []
        for migration in migrations.sorted(by: { $0.version < $1.version }) where !applied.contains(migration.version) {
            try await connection.withTransaction(logger: logger) { transaction in
                for statement in migration.statements {
                    try await transaction.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                try await transaction.query(
                    "INSERT INTO schema_migrations (version, name) VALUES (\(migration.version), \(migration.name))",
                    logger: logger)
            }
            logger.info(
                "applied migration", metadata: ["version": "\(migration.version)", "name": "\(migration.name)"])
            newlyApplied.append(migration.version)
        }
        return newlyApplied
    }

    private func appliedVersions(
        using run: (PostgresQuery) async throws -> PostgresRowSequence
    ) async throws -> Set<Int> {
        let exists = try await run("SELECT to_regclass('schema_migrations') IS NOT NULL")
        for try await present in exists.decode(Bool.self) where !present { return [] }
        var versions: Set<Int> = []
        for try await version in try await run("SELECT version FROM schema_migrations").decode(Int.self) {
            versions.insert(version)
        }
        return versions
    }
}
