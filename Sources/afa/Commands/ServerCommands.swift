import App
import ArgumentParser
import Catalog
import Foundation
import Logging
import Synchronization

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the HTTP API and WORKER_THREADS workers (starts the embedded database if needed).")

    func run() async throws {
        let environment = AppConfiguration.processEnvironment()
        try await Runtime.serve(environment: environment, logger: makeLogger(environment))
    }
}

struct WorkerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker",
        abstract: "Run workers only, sharing the job queue with every other afa process on the database.")

    func run() async throws {
        let environment = AppConfiguration.processEnvironment()
        try await Runtime.work(environment: environment, logger: makeLogger(environment))
    }
}

struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate", abstract: "Apply pending catalog migrations and exit.")

    func run() async throws {
        let environment = AppConfiguration.processEnvironment()
        let configuration = try AppConfiguration(environment: environment)
        let pending = try await Runtime.withCatalog(
            configuration, environment: environment, logger: makeLogger(environment)
        ) { catalog, _ in try await catalog.migrator.pendingVersions() }
        print(pending.isEmpty ? "catalog schema is current (\(Migration.all.count) migrations)" : "pending: \(pending)")
    }
}

struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit", abstract: "Check the lineage log.", subcommands: [Verify.self])

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Recompute every lineage hash chain and report the first broken link.")

        func run() async throws {
            let environment = AppConfiguration.processEnvironment()
            let report = try await Runtime.withCatalog(
                try AppConfiguration(environment: environment), environment: environment,
                logger: makeLogger(environment)
            ) { catalog, _ in try await catalog.lineageVerifier.verify() }
            if let broken = report.firstBrokenLink {
                print("BROKEN: asset \(broken.assetID.uuidString.lowercased()) event \(broken.seq): \(broken.reason)")
                throw ExitCode(2)
            }
            print("lineage intact: \(report.events) events over \(report.assets) assets")
        }
    }
}

struct KeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys", abstract: "Manage API keys.", subcommands: [Create.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create an API key and print it (shown once).")

        @Option(help: "admin or user") var role: Role
        @Option(help: "The owner whose objects this key ingests and reads.") var owner: String

        func run() async throws {
            let environment = AppConfiguration.processEnvironment()
            let (role, owner) = (role, owner)
            let key = try await Runtime.withCatalog(
                try AppConfiguration(environment: environment), environment: environment,
                logger: makeLogger(environment)
            ) { catalog, _ in try await catalog.apiKeys.create(role: role, owner: owner).key }
            print(key)
        }
    }
}

extension Role: ExpressibleByArgument {}

/// Logs go to stderr as `key=value` lines; LOG_LEVEL picks the level (info by default).
/// Safe to call more than once: the logging system is set up by the first call only.
func makeLogger(_ environment: [String: String]) -> Logger {
    let level = environment["LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
    if !loggingIsBootstrapped.exchange(true, ordering: .acquiringAndReleasing) {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
    }
    return Logger(label: "afa")
}

private let loggingIsBootstrapped = Atomic<Bool>(false)
