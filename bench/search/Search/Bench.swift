import Catalog
import Foundation
import Logging
import PostgresNIO

/// What to measure, from the environment (see run.sh).
struct Settings: Sendable {
    var efs = [40, 64, 100, 200]
    var queries = 1_000
    var warmup = 100
    var clients = 8
    var duration = 10.0
    var crossoverEF = 100
    var crossoverQueries = 200
    var spread: Float = 0.4
    var rebuild = false
    var sections: Set<String> = ["index", "search", "filter", "variants", "crossover", "qps", "breakdown"]
    let k = 10

    init(environment: [String: String]) {
        if let value = environment["EF"] { efs = value.split(separator: " ").compactMap { Int($0) } }
        if let value = environment["QUERIES"].flatMap(Int.init) { queries = value }
        if let value = environment["WARMUP"].flatMap(Int.init) { warmup = value }
        if let value = environment["CLIENTS"].flatMap(Int.init) { clients = value }
        if let value = environment["DURATION"].flatMap(Double.init) { duration = value }
        if let value = environment["CROSSOVER_EF"].flatMap(Int.init) { crossoverEF = value }
        if let value = environment["CROSSOVER_QUERIES"].flatMap(Int.init) { crossoverQueries = value }
        if let value = environment["SPREAD"].flatMap(Float.init) { spread = value }
        rebuild = environment["REBUILD"] == "1"
        if let value = environment["SECTIONS"] { sections = Set(value.split(separator: " ").map(String.init)) }
    }
}

/// The search benchmark at one number of stored vectors (see run.sh).
struct SearchBench {
    let client: PostgresClient
    let catalog: CatalogDatabase
    let settings: Settings
    let logger: Logger

    func run(count: Int) async throws {
        report("== \(count) stored vectors ==")
        let synthetic = Synthetic(spread: settings.spread)
        let existing = try await scalar("SELECT count(*)::int FROM assets WHERE owner = 'bench'")
        guard existing <= count else {
            report("\(existing) vectors already stored, more than \(count): skipped")
            return
        }
        let loaded = existing < count
        if loaded {
            report("loading rows \(existing)..<\(count) (load average \(loadAverage()))")
            try await Load.run(client: client, synthetic: synthetic, from: existing, to: count, logger: logger)
        }
        let heap = try await megabytes("pg_relation_size('embeddings')")
        let toast = try await megabytes(
            "pg_relation_size((SELECT reltoastrelid FROM pg_class WHERE relname = 'embeddings'))")
        let assets = try await megabytes("pg_total_relation_size('assets')")
        report(
            "table: embeddings \(heap) MB heap + \(toast) MB TOAST (a 512-d vector is 2,056 bytes: stored out of "
                + "line), assets \(assets) MB")

        // The queries (never stored vectors) and their exact neighbours.
        var micro = [Int32](repeating: 0, count: Synthetic.dimensions)
        var values = [Float](repeating: 0, count: Synthetic.dimensions)
        var texts: [String] = []
        var vectors: [[Float]] = []
        for i in 0..<(settings.queries + settings.warmup) {
            synthetic.query(i, micro: &micro, values: &values)
            texts.append(Synthetic.text(micro))
            vectors.append(values)
        }
        let measured = Array(texts.prefix(settings.queries))
        let warmup = Array(texts.dropFirst(settings.queries))
        let exactStart = ContinuousClock.now
        let truth = ExactNeighbours(
            synthetic: synthetic, count: count, queries: Array(vectors.prefix(settings.queries)), k: settings.k)
        report(
            String(
                format: "exact neighbours of %d queries (BLAS over the regenerated rows): %.1f s",
                settings.queries, seconds(ContinuousClock.now - exactStart)))
        try await checkExact(texts: measured, truth: truth)

        let indexed = try await indexExists("embeddings_hnsw_512")
        if loaded || settings.rebuild || !indexed {
            try await buildIndexes(measured: measured, warmup: warmup, truth: truth)
        } else {
            let size = try await megabytes("pg_relation_size('embeddings_hnsw_512')")
            report("index: reusing embeddings_hnsw_512, \(size) MB")
        }
        if settings.sections.contains("search") {
            report("-- top-\(settings.k) search, unfiltered (HNSW halfvec, relaxed iterative scan) --")
            for ef in settings.efs {
                try await latency(
                    "ef_search \(ef)", measured: measured, warmup: warmup, truth: truth, filter: nil
                ) { text in
                    try await Queries.vectorSearch(
                        client: client, vector: text, model: Synthetic.model, owner: Synthetic.owner, tag: nil,
                        ef: ef, k: settings.k, logger: logger)
                }
            }
        }
        if settings.sections.contains("filter") {
            let matching = try await scalar("SELECT count(*)::int FROM asset_tags WHERE tag = 'rare'")
            report("-- top-\(settings.k) search with the 1% filter (tag 'rare': \(matching) assets) --")
            for ef in settings.efs {
                let plan = try await planned(measured[0], tag: "rare", ef: ef)
                try await latency(
                    "service query (\(plan)), ef_search \(ef)", measured: measured, warmup: warmup, truth: truth,
                    filter: "rare"
                ) { text in
                    try await Queries.vectorSearch(
                        client: client, vector: text, model: Synthetic.model, owner: Synthetic.owner, tag: "rare",
                        ef: ef, k: settings.k, logger: logger)
                }
            }
            try await latency(
                "exact scan (materialised CTE)", measured: measured, warmup: warmup, truth: truth, filter: "rare"
            ) { text in
                try await Queries.exactSearch(
                    client: client, vector: text, model: Synthetic.model, owner: Synthetic.owner, tag: "rare",
                    k: settings.k, logger: logger)
            }
        }
        if settings.sections.contains("variants") {
            report("-- the 1% filter, variants of the service query (for comparison) --")
            for ef in settings.efs {
                for (order, fetch) in [("relaxed_order", 4 * settings.k), ("strict_order", settings.k)] {
                    try await latency(
                        "\(order), LIMIT \(fetch) then the best \(settings.k), ef_search \(ef)", measured: measured,
                        warmup: warmup, truth: truth, filter: "rare"
                    ) { text in
                        try await Queries.variantSearch(
                            client: client, vector: text, tag: "rare", order: order, ef: ef, fetch: fetch,
                            k: settings.k, logger: logger)
                    }
                }
            }
        }
        if settings.sections.contains("service") {
            // The service's index path as MediaSearchRepository runs it: the relaxed iterative scan
            // asked for its candidate depth (200 rows: the fusion and the pages need them), of
            // which the page shows the best ten.
            let depth = Int(ProcessInfo.processInfo.environment["DEPTH"] ?? "") ?? 200
            report("-- the service's candidate read: LIMIT \(depth), the best \(settings.k) shown --")
            for filter in [nil, "rare"] as [String?] {
                for ef in settings.efs {
                    try await latency(
                        "\(filter.map { "tag \($0)" } ?? "unfiltered"), ef_search \(ef)", measured: measured,
                        warmup: warmup, truth: truth, filter: filter
                    ) { text in
                        try await Queries.variantSearch(
                            client: client, vector: text, tag: filter, order: "relaxed_order", ef: ef, fetch: depth,
                            k: settings.k, logger: logger)
                    }
                }
            }
        }
        if settings.sections.contains("e2e"), let folder = ProcessInfo.processInfo.environment["E2E_MODEL"] {
            try await EndToEnd.run(
                catalog: catalog, folder: folder, queries: min(settings.queries, 300), ef: settings.efs.last ?? 200)
        }
        if settings.sections.contains("crossover") {
            try await crossover(measured: measured, warmup: warmup, truth: truth)
        }
        if settings.sections.contains("qps") {
            report("-- queries per second, \(settings.clients) clients, unfiltered --")
            for ef in settings.efs { try await throughput(texts: measured, ef: ef) }
        }
        if settings.sections.contains("breakdown") {
            try await breakdown(measured: measured, warmup: warmup)
        }
    }

    /// The BLAS neighbours against SQL's exact scan on a few queries: unfiltered and with each tag.
    func checkExact(texts: [String], truth: ExactNeighbours) async throws {
        var agreeing = 0
        var total = 0
        var unfilteredTimes: [Double] = []
        let checks: [(filter: String?, queries: Range<Int>)] =
            [(nil, 0..<2)] + Synthetic.tags.map { (filter: $0.name, queries: 0..<3) }
        for (filter, queries) in checks {
            for j in queries {
                let start = ContinuousClock.now
                let hits = try await Queries.exactSearch(
                    client: client, vector: texts[j], model: Synthetic.model, owner: Synthetic.owner, tag: filter,
                    k: settings.k, logger: logger)
                if filter == nil { unfilteredTimes.append(seconds(ContinuousClock.now - start) * 1000) }
                let exact = Set(truth.rows[filter]![j])
                agreeing += hits.filter { exact.contains($0.row) }.count
                total += exact.count
            }
        }
        report(
            String(
                format: "check: SQL exact scans agree with the BLAS neighbours on %d of %d rows; "
                    + "an unfiltered exact scan (sequential, float) takes %.0f ms",
                agreeing, total, unfilteredTimes.reduce(0, +) / Double(max(1, unfilteredTimes.count))))
    }

    /// HNSW builds: full-precision `vector` for comparison (built, measured, dropped), then the
    /// service's halfvec index through `ensureIndex`, both with pgvector's defaults (m 16,
    /// ef_construction 64).
    func buildIndexes(measured: [String], warmup: [String], truth: ExactNeighbours) async throws {
        let memory = try await text("SHOW maintenance_work_mem")
        let workers = try await text("SHOW max_parallel_maintenance_workers")
        report(
            "-- HNSW builds (m 16, ef_construction 64: pgvector's defaults; maintenance_work_mem \(memory), "
                + "max_parallel_maintenance_workers \(workers)) --")
        try await client.query("DROP INDEX IF EXISTS embeddings_hnsw_512", logger: logger)
        try await client.query("DROP INDEX IF EXISTS bench_hnsw_vector_512", logger: logger)
        if settings.sections.contains("index") {
            let load = loadAverage()
            let start = ContinuousClock.now
            try await client.query(
                """
                CREATE INDEX bench_hnsw_vector_512 ON embeddings
                USING hnsw ((vector::vector(512)) vector_cosine_ops) WHERE dimensions = 512
                """, logger: logger)
            let built = seconds(ContinuousClock.now - start)
            let size = try await megabytes("pg_relation_size('bench_hnsw_vector_512')")
            report(
                String(format: "vector (full precision): built in %.0f s, %d MB", built, size)
                    + " (load average \(load))")
            for ef in settings.efs {
                try await latency(
                    "  vector index, ef_search \(ef)", measured: measured, warmup: warmup, truth: truth, filter: nil
                ) { text in
                    try await Queries.fullPrecisionSearch(
                        client: client, vector: text, model: Synthetic.model, owner: Synthetic.owner, ef: ef,
                        k: settings.k, logger: logger)
                }
            }
            try await client.query("DROP INDEX bench_hnsw_vector_512", logger: logger)
        }
        let load = loadAverage()
        let start = ContinuousClock.now
        try await catalog.embeddings.ensureIndex(dimensions: 512)
        let built = seconds(ContinuousClock.now - start)
        let size = try await megabytes("pg_relation_size('embeddings_hnsw_512')")
        report(
            String(format: "halfvec (the service's embeddings_hnsw_512): built in %.0f s, %d MB", built, size)
                + " (load average \(load))")
    }

    /// The filtered search at 0.1%, 1% and 10%: where the exact scan overtakes the iterative scan.
    func crossover(measured: [String], warmup: [String], truth: ExactNeighbours) async throws {
        let ef = settings.crossoverEF
        report("-- filter selectivity: the service query (ef_search \(ef)) against the exact scan --")
        let some = Array(measured.prefix(settings.crossoverQueries))
        let few = Array(warmup.prefix(20))
        for tag in Synthetic.tags.map(\.name).reversed() {
            let matching = try await scalar(
                PostgresQuery(unsafeSQL: "SELECT count(*)::int FROM asset_tags WHERE tag = '\(tag)'"))
            let plan = try await planned(measured[0], tag: tag, ef: ef)
            try await latency(
                "\(tag) (\(matching) matching): service query (\(plan))", measured: some, warmup: few, truth: truth,
                filter: tag
            ) { text in
                try await Queries.vectorSearch(
                    client: client, vector: text, model: Synthetic.model, owner: Synthetic.owner, tag: tag, ef: ef,
                    k: settings.k, logger: logger)
            }
            try await latency(
                "\(tag) (\(matching) matching): exact", measured: some, warmup: few, truth: truth, filter: tag
            ) { text in
                try await Queries.exactSearch(
                    client: client, vector: text, model: Synthetic.model, owner: Synthetic.owner, tag: tag,
                    k: settings.k, logger: logger)
            }
        }
    }

    /// `clients` connections searching for `duration` seconds, after a second to open them.
    func throughput(texts: [String], ef: Int) async throws {
        let load = loadAverage()
        _ = try await concurrently(texts: texts, ef: ef, duration: 1)
        let start = ContinuousClock.now
        let times = try await concurrently(texts: texts, ef: ef, duration: settings.duration)
        let elapsed = seconds(ContinuousClock.now - start)
        let sorted = times.sorted()
        report(
            String(
                format: "ef_search %d: %.0f queries/s (p50 %.2f ms, p99 %.2f ms under load)", ef,
                Double(times.count) / elapsed, percentile(sorted, 0.5), percentile(sorted, 0.99))
                + " (load average \(load))")
    }

    private func concurrently(texts: [String], ef: Int, duration: Double) async throws -> [Double] {
        let deadline = ContinuousClock.now + .milliseconds(Int(duration * 1000))
        let (client, logger, k, clients) = (self.client, self.logger, settings.k, settings.clients)
        return try await withThrowingTaskGroup(of: [Double].self) { group in
            for c in 0..<clients {
                group.addTask {
                    var times: [Double] = []
                    var i = c
                    while ContinuousClock.now < deadline {
                        let start = ContinuousClock.now
                        _ = try await Queries.vectorSearch(
                            client: client, vector: texts[i % texts.count], model: Synthetic.model,
                            owner: Synthetic.owner, tag: nil, ef: ef, k: k, logger: logger)
                        times.append(seconds(ContinuousClock.now - start) * 1000)
                        i += clients
                    }
                    return times
                }
            }
            var all: [Double] = []
            for try await times in group { all += times }
            return all
        }
    }

    /// Where an unfiltered search's time goes: parts of it timed alone, then the plans.
    func breakdown(measured: [String], warmup: [String]) async throws {
        let ef = settings.crossoverEF
        report("-- where the time goes (ef_search \(ef), p50 of \(min(300, measured.count)) queries each) --")
        let some = Array(measured.prefix(300))
        for part in ["round trips", "index", "detoast"] {
            try await latency(
                "  \(part)", measured: some, warmup: Array(warmup.prefix(20)), truth: nil, filter: nil
            ) { text in
                _ = try await Queries.part(part, client: client, vector: text, ef: ef, k: settings.k, logger: logger)
                return []
            }
        }
        try await latency("  full search", measured: some, warmup: Array(warmup.prefix(20)), truth: nil, filter: nil) {
            text in
            try await Queries.vectorSearch(
                client: client, vector: text, model: Synthetic.model, owner: Synthetic.owner, tag: nil, ef: ef,
                k: settings.k, logger: logger)
        }
        for tag in [String?.none, "rare"] {
            report("EXPLAIN (ANALYZE, BUFFERS), \(tag.map { "tag '\($0)'" } ?? "unfiltered"), ef_search \(ef):")
            let lines = try await Queries.explain(
                client: client, vector: measured[measured.count - 1], tag: tag, ef: ef, k: settings.k, logger: logger)
            // The query vector is spelled out in the plan: cut.
            for line in lines { report("    " + (line.count > 150 ? line.prefix(150) + "…" : line)) }
        }
    }

    /// Runs `search` over the warm-up queries, then times it over `measured` one at a time, and
    /// prints p50, p99, recall@k against `truth` and the mean number of rows.
    func latency(
        _ label: String, measured: [String], warmup: [String], truth: ExactNeighbours?, filter: String?,
        search: (String) async throws -> [Hit]
    ) async throws {
        for text in warmup { _ = try await search(text) }
        let load = loadAverage()
        var times: [Double] = []
        var found: [[Int]] = []
        var rows = 0
        for text in measured {
            let start = ContinuousClock.now
            let hits = try await search(text)
            times.append(seconds(ContinuousClock.now - start) * 1000)
            found.append(hits.map(\.row))
            rows += hits.count
        }
        let sorted = times.sorted()
        var line =
            label + String(format: ": p50 %.2f ms, p99 %.2f ms", percentile(sorted, 0.5), percentile(sorted, 0.99))
        if let truth {
            line += String(
                format: ", recall@%d %.3f, %.2f results", settings.k, truth.recall(found, filter: filter),
                Double(rows) / Double(max(1, measured.count)))
        }
        report(line + " (\(measured.count) queries; load average \(load))")
    }

    /// How the planner runs the service's search with `tag`, in words.
    private func planned(_ text: String, tag: String?, ef: Int) async throws -> String {
        try await Queries.usesIndex(client: client, vector: text, tag: tag, ef: ef, k: settings.k, logger: logger)
            ? "HNSW iterative scan" : "no HNSW: the planner joins the tagged rows and sorts them"
    }

    private func scalar(_ sql: PostgresQuery) async throws -> Int {
        let rows = try await client.query(sql, logger: logger)
        for try await value in rows.decode(Int.self) { return value }
        return 0
    }

    private func text(_ sql: PostgresQuery) async throws -> String {
        let rows = try await client.query(sql, logger: logger)
        for try await value in rows.decode(String.self) { return value }
        return ""
    }

    private func megabytes(_ expression: String) async throws -> Int {
        try await scalar(PostgresQuery(unsafeSQL: "SELECT (\(expression) / 1048576)::int"))
    }

    private func indexExists(_ name: String) async throws -> Bool {
        try await scalar("SELECT count(*)::int FROM pg_class WHERE relname = \(name) AND relkind = 'i'") > 0
    }
}

func percentile(_ sorted: [Double], _ p: Double) -> Double {
    guard !sorted.isEmpty else { return 0 }
    return sorted[min(sorted.count - 1, max(0, Int((p * Double(sorted.count)).rounded(.up)) - 1))]
}

/// A line of figures, written out at once: the log is read while the benchmark runs.
func report(_ line: String) {
    print(line)
    fflush(nil)
}

/// The 1-, 5- and 15-minute load averages: other work on the machine moves the figures.
func loadAverage() -> String {
    let text = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)) ?? "? ? ?"
    return text.split(separator: " ").prefix(3).joined(separator: " ")
}
