import Catalog
import Foundation
import Logging
import PostgresNIO

// bench/organise: figures, not pass/fail (see run.sh).
//   afa-organise-bench cluster [COUNT] [SPREAD]
//   DATABASE_URL=… afa-organise-bench lookup STORED
//   DATABASE_URL=… afa-organise-bench moves COUNT ROOT
let arguments = CommandLine.arguments.dropFirst()
switch arguments.first {
case "cluster":
    let count = arguments.dropFirst().first.flatMap(Int.init) ?? 100_000
    let spread = arguments.dropFirst(2).first.flatMap(Float.init) ?? 0.4
    ClusteringBench.run(count: count, centres: 200, dimensions: 512, spread: spread, newAssets: 1_000, runs: 3)
case "lookup", "moves":
    guard let url = ProcessInfo.processInfo.environment["DATABASE_URL"],
        let configuration = try? DatabaseConfiguration.fromURL(url, applicationName: "afa-organise-bench")
    else {
        print("set DATABASE_URL")
        exit(2)
    }
    var logger = Logger(label: "bench")
    logger.logLevel = .warning
    let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
    let catalog = CatalogDatabase(client: client, logger: logger)
    try await withThrowingDiscardingTaskGroup { group in
        group.addTask { await client.run() }
        if arguments.first == "lookup" {
            try await LookupBench.run(
                catalog: catalog, stored: arguments.dropFirst().first.flatMap(Int.init) ?? 100_000, queries: 200)
        } else {
            try await MovesBench.run(
                catalog: catalog, root: URL(filePath: String(arguments.dropFirst(2).first ?? "/tmp/afa-moves")),
                count: arguments.dropFirst().first.flatMap(Int.init) ?? 5_000, runs: 3)
        }
        group.cancelAll()
    }
default:
    print("usage: afa-organise-bench cluster [COUNT] [SPREAD] | lookup STORED | moves COUNT ROOT")
    exit(2)
}
