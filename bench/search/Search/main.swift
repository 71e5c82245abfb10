import Catalog
import Foundation
import Logging
import PostgresNIO

// bench/search: figures, not pass/fail (see run.sh).
//   DATABASE_URL=… afa-search-bench COUNT
// loads the synthetic catalog up to COUNT vectors (keeping what is there), builds the HNSW
// indexes when it loaded (or REBUILD=1), then measures; EF, QUERIES, WARMUP, CLIENTS, DURATION,
// CROSSOVER_EF, CROSSOVER_QUERIES, SPREAD, SECTIONS and MAINTENANCE_WORK_MEM come from the environment.
let environment = ProcessInfo.processInfo.environment
guard let count = CommandLine.arguments.dropFirst().first.flatMap(Int.init) else {
    print("usage: DATABASE_URL=… afa-search-bench COUNT")
    exit(2)
}
guard let url = environment["DATABASE_URL"],
    var configuration = try? DatabaseConfiguration.fromURL(url, applicationName: "afa-search-bench")
else {
    print("set DATABASE_URL")
    exit(2)
}
// Every connection builds indexes with this much memory: the graph of a million 512-d vectors
// takes about 1.3 GB as halfvec and 2.4 GB as vector, and a build that outgrows it slows down.
configuration.options.additionalStartupParameters.append(
    ("maintenance_work_mem", environment["MAINTENANCE_WORK_MEM"] ?? "4GB"))
configuration.options.maximumConnections = 16
var logger = Logger(label: "bench")
logger.logLevel = .warning
let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
let bench = SearchBench(
    client: client, catalog: CatalogDatabase(client: client, logger: logger),
    settings: Settings(environment: environment), logger: logger)
try await withThrowingDiscardingTaskGroup { group in
    group.addTask { await client.run() }
    try await bench.run(count: count)
    group.cancelAll()
}
