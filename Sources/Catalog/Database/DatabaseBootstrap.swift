import Foundation
import Logging
import NIOPosix
import PostgresNIO

/// Decides where the catalog lives: `DATABASE_URL` when set, otherwise the embedded server.
public struct DatabaseBootstrap: Sendable {
    public struct Prepared: Sendable {
        public let configuration: PostgresClient.Configuration
        /// Set when the embedded server is used.
        public let embedded: EmbeddedPostgres?
        public let running: EmbeddedPostgres.Running?
    }

    /// An external catalog (`DATABASE_URL`); nil for the embedded server under `dataRoot`.
    public let databaseURL: String?
    public let dataRoot: URL
    /// Where the embedded server's binaries are (`AFA_PG_HOME`), when not in the usual places.
    public let postgresHome: String?
    public let logger: Logger

    public init(databaseURL: String?, dataRoot: URL, postgresHome: String?, logger: Logger) {
        self.databaseURL = databaseURL
        self.dataRoot = dataRoot
        self.postgresHome = postgresHome
        self.logger = logger
    }

    /// The name other `afa` processes see in `pg_stat_activity`; used to tell whether anyone
    /// else still needs the embedded server before stopping it.
    public static var applicationName: String { "afa-\(getpid())" }

    public func prepare() async throws -> Prepared {
        if let url = databaseURL, !url.isEmpty {
            let configuration = try DatabaseConfiguration.fromURL(url, applicationName: Self.applicationName)
            return Prepared(configuration: configuration, embedded: nil, running: nil)
        }
        let server = EmbeddedPostgres(
            installation: try PostgresInstallation.locate(home: postgresHome), dataRoot: dataRoot, logger: logger)
        let running = try await server.start()
        do {
            try await Self.createDatabaseIfMissing(EmbeddedPostgres.databaseName, port: running.port, logger: logger)
        } catch {
            // Someone else's server on our data folder that we cannot use: say so plainly.
            guard running.startedHere else {
                throw EmbeddedPostgresError.runningButUnreachable(
                    pid: running.pid, port: running.port, underlying: DatabaseFailure(error).description)
            }
            throw DatabaseFailure(error)
        }
        let configuration = DatabaseConfiguration.embedded(
            port: running.port, database: EmbeddedPostgres.databaseName, applicationName: Self.applicationName)
        return Prepared(configuration: configuration, embedded: server, running: running)
    }

    /// `CREATE DATABASE` cannot run in a transaction or take bindings, so the name is checked here.
    public static func createDatabaseIfMissing(_ name: String, port: Int, logger: Logger) async throws {
        precondition(name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") })
        try await withMaintenanceConnection(port: port, logger: logger) { connection in
            let rows = try await connection.query("SELECT 1 FROM pg_database WHERE datname = \(name)", logger: logger)
            for try await _ in rows { return }
            do {
                try await connection.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \"\(name)\""), logger: logger)
            } catch let error as PSQLError where error.serverInfo?[.sqlState] == "42P04" {
                // Another process created it between our check and our CREATE: fine.
            }
        }
    }

    /// A short-lived connection to the embedded server's `postgres` database, always closed.
    static func withMaintenanceConnection<T: Sendable>(
        port: Int, logger: Logger, _ body: (PostgresConnection) async throws -> T
    ) async throws -> T {
        let connection = try await PostgresConnection.connect(
            configuration: .init(
                host: "127.0.0.1", port: port, username: EmbeddedPostgres.superuser, password: nil,
                database: "postgres", tls: .disable),
            id: 1, logger: logger)
        do {
            let result = try await body(connection)
            try await connection.close()
            return result
        } catch {
            try? await connection.close()
            throw error
        }
    }

    /// Stops the embedded server when the last `afa` process that uses it exits: whoever
    /// started it, as long as no other `afa` process is connected and `afa db start` did not
    /// ask for it to keep running.
    public static func shutdown(_ prepared: Prepared, logger: Logger) async {
        guard let server = prepared.embedded, let running = prepared.running, !server.keepsRunning else { return }
        if let others = try? await otherClients(port: running.port, logger: logger), others > 0 {
            logger.info(
                "leaving embedded PostgreSQL running: other afa processes use it", metadata: ["count": "\(others)"])
            return
        }
        do { try await server.stop() } catch { logger.error("could not stop embedded PostgreSQL: \(error)") }
    }

    private static func otherClients(port: Int, logger: Logger) async throws -> Int {
        let mine = applicationName
        return try await withMaintenanceConnection(port: port, logger: logger) { connection in
            let rows = try await connection.query(
                """
                SELECT count(*)::int FROM pg_stat_activity
                WHERE application_name LIKE 'afa-%' AND application_name <> \(mine)
                """, logger: logger)
            for try await count in rows.decode(Int.self) { return count }
            return 0
        }
    }
}

/// PostgresNIO hides a server error's details from `description` in case they hold data; a
/// command-line operator needs them, so errors that leave `Runtime` carry the full text.
public struct DatabaseFailure: Error, CustomStringConvertible {
    public let description: String

    public init(_ error: any Error) {
        if let error = error as? PSQLError {
            let message = error.serverInfo?[.message] ?? String(reflecting: error)
            let detail = error.serverInfo?[.detail].map { " (\($0))" } ?? ""
            description = "database error: \(message)\(detail)"
        } else {
            description = String(describing: error)
        }
    }
}
