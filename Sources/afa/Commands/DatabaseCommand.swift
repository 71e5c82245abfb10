import App
import ArgumentParser
import Catalog
import Foundation

struct DatabaseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "db", abstract: "Control the embedded PostgreSQL under $AFA_DATA/pg.",
        subcommands: [Start.self, Stop.self, Status.self])

    static func server() throws -> (EmbeddedPostgres, AppConfiguration, [String: String]) {
        let environment = AppConfiguration.processEnvironment()
        let configuration = try AppConfiguration(environment: environment)
        let server = EmbeddedPostgres(
            installation: try PostgresInstallation.locate(home: configuration.postgresHome),
            dataRoot: configuration.dataRoot, logger: makeLogger(environment))
        return (server, configuration, environment)
    }

    struct Start: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Start the embedded server (creating it on first use) and keep it running until `afa db stop`.")

        func run() async throws {
            let (server, _, environment) = try DatabaseCommand.server()
            let running = try await server.start()
            server.keepsRunning = true
            try await DatabaseBootstrap.createDatabaseIfMissing(
                EmbeddedPostgres.databaseName, port: running.port, logger: makeLogger(environment))
            print(
                "running on 127.0.0.1:\(running.port) (pid \(running.pid)); DATABASE_URL=postgres://postgres@127.0.0.1:\(running.port)/afa?sslmode=disable"
            )
        }
    }

    struct Stop: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Stop the embedded server.")

        func run() async throws {
            let (server, _, _) = try DatabaseCommand.server()
            guard try await server.status() != nil else {
                print("not running")
                return
            }
            try await server.stop()
            print("stopped")
        }
    }

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Tell whether the embedded server runs.")

        func run() async throws {
            let (server, configuration, _) = try DatabaseCommand.server()
            if let running = try await server.status() {
                print(
                    "running on 127.0.0.1:\(running.port) (pid \(running.pid)), data under \(configuration.dataRoot.path)"
                )
            } else {
                print("not running (data under \(configuration.dataRoot.path))")
                throw ExitCode(3)
            }
        }
    }
}
