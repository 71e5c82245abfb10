import Catalog
import Foundation
import Jobs
import Logging
import PostgresNIO

/// The embedded PostgreSQL every test shares (started once per test run under `var/test`);
/// each test gets a fresh database in it, so tests run in parallel without seeing each other.
enum TestCluster {
    /// Tests/TestSupport/TestCluster.swift → the checkout.
    static let repositoryRoot = URL(filePath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let logger = Logger(label: "afa-tests")
    /// One compute pool for every test app, as a process has one.
    static let compute = ComputePool(threads: 2)

    static let port: Task<Int, any Error> = Task {
        let environment = ProcessInfo.processInfo.environment
        let dataRoot =
            environment["AFA_TEST_DATA"].map { URL(filePath: $0) }
            ?? repositoryRoot.appending(path: "var/test")
        let home = environment["AFA_PG_HOME"] ?? repositoryRoot.appending(path: ".deps/postgres").path
        let server = EmbeddedPostgres(
            installation: try PostgresInstallation.locate(home: home), dataRoot: dataRoot, logger: logger)
        return try await server.start().port
    }

    /// A new, empty, migrated database.
    static func makeDatabase() async throws -> TestDatabase {
        let port = try await port.value
        let name = "t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        try await DatabaseBootstrap.createDatabaseIfMissing(name, port: port, logger: logger)
        return TestDatabase(name: name, port: port)
    }
}

extension TestCluster {
    /// Best effort, connections and all: what a test started (an `afa serve`) has stopped.
    static func drop(_ database: TestDatabase) async {
        guard
            let connection = try? await PostgresConnection.connect(
                configuration: .init(
                    host: "127.0.0.1", port: database.port, username: EmbeddedPostgres.superuser, password: nil,
                    database: "postgres", tls: .disable),
                id: 1, logger: logger)
        else { return }
        _ = try? await connection.query(
            PostgresQuery(unsafeSQL: "DROP DATABASE IF EXISTS \"\(database.name)\" WITH (FORCE)"), logger: logger)
        try? await connection.close()
    }
}

struct TestDatabase: Sendable {
    let name: String
    let port: Int

    var url: String { "postgres://postgres@127.0.0.1:\(port)/\(name)?sslmode=disable" }

    var clientConfiguration: PostgresClient.Configuration {
        DatabaseConfiguration.embedded(port: port, database: name, applicationName: "afatest")
    }
}

/// Runs `body` with a migrated catalog on a fresh database.
func withCatalog<T: Sendable>(
    _ body: @Sendable (CatalogDatabase, TestDatabase) async throws -> T
) async throws -> T {
    let database = try await TestCluster.makeDatabase()
    let client = PostgresClient(configuration: database.clientConfiguration, backgroundLogger: TestCluster.logger)
    let catalog = CatalogDatabase(client: client, logger: TestCluster.logger)
    let result = try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask {
            await client.run()
            return nil
        }
        defer { group.cancelAll() }
        try await catalog.migrator.migrate()
        return try await body(catalog, database)
    }
    // A passing test's database goes (a failing one's stays, to be looked at): a thousand
    // left behind made the cluster's start after a crash take minutes.
    await TestCluster.drop(database)
    return result
}

/// Polls `condition` until it holds or `timeout` passes; tests never sleep to synchronise.
func eventually(
    timeout: Duration = .seconds(30), _ what: String, _ condition: () async throws -> Bool
) async throws {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return }
        try await Task.sleep(for: .milliseconds(50))
    }
    throw TimedOut(what: what)
}

struct TimedOut: Error, CustomStringConvertible {
    let what: String
    var description: String { "timed out waiting for \(what)" }
}
