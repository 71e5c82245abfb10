import App
import ArgumentParser
import Foundation
import Runtime

struct MigrateStorageCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate-storage",
        abstract: "Copy every blob to another store (s3://bucket/prefix), verified, then record that they live there.",
        discussion: """
            Resumable: run it again after an interruption and it copies only what is missing. When it \
            finishes, set STORAGE_BACKEND to the new location for every process: the catalog records \
            where the blobs are, and a process configured otherwise refuses to start.
            """)

    @Option(help: "Where the blobs go: s3://bucket/prefix (with S3_ENDPOINT, AWS_* as for the service), or fs://.")
    var to: String

    @Flag(help: "Report what would be copied; copy nothing.")
    var dryRun = false

    @Option(help: "Blobs copied at once.")
    var concurrency = 4

    func validate() throws {
        guard (1...64).contains(concurrency) else { throw ValidationError("--concurrency must be in 1...64") }
    }

    func run() async throws {
        let environment = AppConfiguration.processEnvironment()
        let started = ContinuousClock.now
        let dryRun = dryRun
        let report = try await Runtime.migrateStorage(
            to: to, dryRun: dryRun, concurrency: concurrency, environment: environment, logger: makeLogger(environment)
        ) { report in
            // One line per page of the listing: enough to see it move, little enough to read.
            print("\(dryRun ? "checked" : "copied") \(report.copied), already there \(report.alreadyThere)")
        }
        let seconds = (ContinuousClock.now - started) / .seconds(1)
        if dryRun {
            print(
                "dry run: \(report.copied) blobs (\(report.bytesCopied) bytes) would be copied to \(to);"
                    + " \(report.alreadyThere) are there already")
        } else {
            print(
                "copied \(report.copied) blobs (\(report.bytesCopied) bytes) in \(String(format: "%.1f", seconds)) s;"
                    + " \(report.alreadyThere) were there already")
            print("every blob is in \(to) now: set STORAGE_BACKEND=\(to) for every afa process")
        }
    }
}
