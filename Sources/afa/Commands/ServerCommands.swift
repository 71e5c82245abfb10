import App
import ArgumentParser
import Catalog
import Foundation
import Logging
import Runtime
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

    @Option(help: "Run only these stages and task kinds (comma-separated), so a machine can specialise.")
    var stages: String?

    func run() async throws {
        let environment = AppConfiguration.processEnvironment()
        let only = stages.map { Set($0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }) }
        try await Runtime.work(environment: environment, onlyStages: only, logger: makeLogger(environment))
    }
}

struct ReprocessCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reprocess",
        abstract: "Run a stage again for matching assets (and the stages that require it), in the background.")

    @Option(help: "The stage to run again.") var stage: String
    @Option(help: "Only assets of this kind: image, video or json.") var kind: String?
    @Option(help: "Only assets of this owner.") var owner: String?

    func run() async throws {
        let environment = AppConfiguration.processEnvironment()
        var filter = AssetFilter(owner: owner)
        if let kind {
            guard let parsed = AssetKind(rawValue: kind) else {
                throw ValidationError("--kind must be image, video or json")
            }
            filter.kind = parsed
        }
        let queued = try await Runtime.reprocess(
            stage: stage, filter: filter, environment: environment, logger: makeLogger(environment))
        print("queued \(stage) for \(queued) assets; the workers run it in the background")
    }
}

struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate", abstract: "Apply pending catalog migrations and exit.")

    func run() async throws {
        let environment = AppConfiguration.processEnvironment()
        let configuration = try AppConfiguration(environment: environment)
        let pending = try await Runtime.withCatalog(
            configuration, logger: makeLogger(environment)
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

        @Flag(help: "Also re-hash every stored blob and report each one that is missing or changed.")
        var blobs = false

        func run() async throws {
            let environment = AppConfiguration.processEnvironment()
            let configuration = try AppConfiguration(environment: environment)
            let withBlobs = blobs
            let (report, blobReport) = try await Runtime.withCatalog(
                configuration, logger: makeLogger(environment)
            ) { catalog, _ in
                let report = try await catalog.lineageVerifier.verify()
                let blobs = withBlobs ? try await Runtime.auditBlobs(configuration, catalog: catalog) : nil
                return (report, blobs)
            }
            var intact = true
            if let broken = report.firstBrokenLink {
                print("BROKEN: \(broken.subject) event \(broken.seq): \(broken.reason)")
                intact = false
            } else {
                print("lineage intact: \(report.events) events in \(report.chains) chains")
            }
            if let blobReport {
                for finding in blobReport.findings {
                    print(
                        "BLOB: asset \(finding.assetID.uuidString.lowercased()) (\(finding.storageKey)): \(finding.problem)"
                    )
                }
                print(
                    blobReport.intact
                        ? "blobs intact: \(blobReport.checked) blobs, \(blobReport.bytes) bytes re-hashed"
                        : "\(blobReport.findings.count) of \(blobReport.checked) blobs missing or changed")
                intact = intact && blobReport.intact
            }
            if !intact { throw ExitCode(2) }
        }
    }
}

struct KeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys", abstract: "Manage API keys.", subcommands: [Create.self, List.self, Revoke.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create an API key and print it (shown once).")

        @Option(help: "admin or user") var role: Role
        @Option(help: "The owner whose objects this key ingests and reads.") var owner: String

        func run() async throws {
            let environment = AppConfiguration.processEnvironment()
            let role = role
            let owner: OwnerName
            do { owner = try OwnerName(validating: self.owner) } catch { throw ValidationError(error.description) }
            let created = try await Runtime.withCatalog(
                try AppConfiguration(environment: environment),
                logger: makeLogger(environment)
            ) { catalog, _ in try await catalog.apiKeys.create(role: role, owner: owner.value) }
            print(created.key)
            FileHandle.standardError.write(Data("id \(created.principal.keyID.uuidString.lowercased())\n".utf8))
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List API keys (ids, never secrets).")

        func run() async throws {
            let environment = AppConfiguration.processEnvironment()
            let keys = try await Runtime.withCatalog(
                try AppConfiguration(environment: environment),
                logger: makeLogger(environment)
            ) { catalog, _ in try await catalog.apiKeys.list() }
            for key in keys {
                let state = key.revokedAt.map { "revoked \($0.formatted(.iso8601))" } ?? "active"
                print("\(key.id.uuidString.lowercased())  \(key.role.rawValue)  \(key.owner)  \(state)")
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Revoke an API key by id.",
            discussion: """
                The key stops working at once for new connections to servers that have not seen it; a \
                server that authenticated it in the last 10 seconds accepts it until that cache entry \
                expires. `DELETE /api/v1/admin/keys/ID` on a server revokes it there at once.
                """)

        @Argument(help: "The key's id (from `afa keys list` or the create response).") var id: String

        func run() async throws {
            guard let keyID = UUID(uuidString: id) else { throw ValidationError("'\(id)' is not a key id") }
            let environment = AppConfiguration.processEnvironment()
            let revoked = try await Runtime.withCatalog(
                try AppConfiguration(environment: environment),
                logger: makeLogger(environment)
            ) { catalog, _ in try await catalog.apiKeys.revoke(id: keyID) }
            guard revoked else {
                print("no active key \(keyID.uuidString.lowercased())")
                throw ExitCode(1)
            }
            print("revoked \(keyID.uuidString.lowercased())")
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
