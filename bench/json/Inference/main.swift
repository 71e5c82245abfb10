import Schema

// Measures what ingest pays per document for schema inference: parsing JSON bytes into a
// `JSONNode` and adding it to `CollectionStatistics`, on one thread.
#if canImport(Glibc)
    import Glibc
#endif

let documentCount = 100_000
let runs = 5

var generator = NoBenchDocuments(seed: 42)
let documents = (0..<documentCount).map { _ in generator.next() }
let totalBytes = documents.reduce(0) { $0 + $1.count }

func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}

func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }

/// Parse and add, as ingest does.
func measureEverything() throws -> (Double, CollectionStatistics) {
    var statistics = CollectionStatistics()
    let clock = ContinuousClock()
    let start = clock.now
    for document in documents { statistics.add(try JSONParser.parse(document)) }
    return (seconds(clock.now - start), statistics)
}

func measureParsing() throws -> Double {
    let clock = ContinuousClock()
    let start = clock.now
    var objects = 0
    for document in documents {
        if case .object = try JSONParser.parse(document) { objects += 1 }
    }
    precondition(objects == documentCount)
    return seconds(clock.now - start)
}

/// Statistics alone: documents are parsed in batches outside the timed part.
func measureStatistics() throws -> Double {
    let clock = ContinuousClock()
    var statistics = CollectionStatistics()
    var elapsed = 0.0
    let batchSize = 1000
    for batchStart in stride(from: 0, to: documentCount, by: batchSize) {
        let parsed = try documents[batchStart..<(batchStart + batchSize)].map { try JSONParser.parse($0) }
        let start = clock.now
        for document in parsed { statistics.add(document) }
        elapsed += seconds(clock.now - start)
    }
    return elapsed
}

func machineDescription() -> String {
    var model = "unknown CPU"
    var cores = 0
    if let file = fopen("/proc/cpuinfo", "r") {
        defer { fclose(file) }
        var line = [CChar](repeating: 0, count: 1024)
        while fgets(&line, Int32(line.count), file) != nil {
            let text = String(decoding: line.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            if text.hasPrefix("model name") {
                cores += 1
                if let colon = text.firstIndex(of: ":") {
                    model = String(text[text.index(after: colon)...]).trimmingCharacters()
                }
            }
        }
    }
    return "\(model), \(cores) cores"
}

extension String {
    fileprivate func trimmingCharacters() -> String {
        String(drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\n" }.reversed())
    }
}

var totals: [Double] = []
var parsing: [Double] = []
var statisticsOnly: [Double] = []
var lastStatistics = CollectionStatistics()
for _ in 0..<runs {
    let (total, statistics) = try measureEverything()
    totals.append(total)
    lastStatistics = statistics
    parsing.append(try measureParsing())
    statisticsOnly.append(try measureStatistics())
}

do {
    let clock = ContinuousClock()
    var scans: [Double] = []
    for _ in 0..<runs {
        let start = clock.now
        for document in documents { _ = try JSONScanner.scan(document) }
        scans.append(seconds(clock.now - start))
    }
    print("validation alone (JSONScanner, no tree): \(Int(median(scans) * 1000)) ms")
}
let total = median(totals)
let megabytes = Double(totalBytes) / 1_000_000
print("machine: \(machineDescription())")
print("documents: \(documentCount), \(Int(megabytes * 10) / 10) MB, mean \(totalBytes / documentCount) bytes")
print("parse + statistics: \(Int(Double(documentCount) / total)) documents/s, \(Int(megabytes / total)) MB/s")
print("  (median of \(runs) runs: \(totals.map { Int($0 * 1000) }) ms)")
let parse = median(parsing)
let statistics = median(statisticsOnly)
print("parse alone: \(Int(parse * 1000)) ms (\(Int(Double(documentCount) / parse)) documents/s)")
print("statistics alone: \(Int(statistics * 1000)) ms (\(Int(Double(documentCount) / statistics)) documents/s)")
print("paths recorded: \(lastStatistics.pathCount), encoded statistics: \(lastStatistics.encoded().count) bytes")
