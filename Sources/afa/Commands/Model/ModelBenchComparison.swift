import ArgumentParser
import CLIP
import Foundation

/// `afa model bench --compare`: every instruction-set tier this machine can run, each precision
/// that has kernels of its own there, batch 1 and 16 and a text query, in one table. Each tier and
/// precision runs in a process of its own (`bench --isa … --json`), since a tier is fixed per process.
struct ModelBenchComparison {
    let directory: String
    let seconds: Double
    let queries: Int

    func run() throws {
        let features = CPUFeatures.host.features
        print("machine: \(CPUFeatures.host.model), \(ProcessInfo.processInfo.activeProcessorCount) cores")
        print("CPU:     \(features.names.joined(separator: " "))")
        print("model:   \(directory)")
        print(
            pad("tier", 18) + pad("precision", 10) + pad("runs as", 16) + pad("batch 1", 14) + pad("batch 16", 14)
                + pad("text p50", 10) + "text p90")
        for path in CPUPath.available.reversed() {
            for precision in CLIPPrecision.allCases {
                // A precision that runs as another at this tier (bfloat16 without native
                // instructions runs float32) would only repeat that one's row.
                if CLIPKernelPlan(requested: precision, path: path).image != precision { continue }
                let result = try measure(path: path, precision: precision)
                let rates = [1, 16].map { batch in
                    result.images.first { $0.batch == batch }.map { String(format: "%.1f img/s", $0.imagesPerSecond) }
                        ?? "-"
                }
                let runsAs =
                    result.textPrecision == result.precision
                    ? result.precision : "\(result.precision), text \(result.textPrecision)"
                print(
                    pad(result.path, 18) + pad(precision.rawValue, 10) + pad(runsAs, 16) + pad(rates[0], 14)
                        + pad(rates[1], 14) + pad(String(format: "%.1f ms", result.textMedianMilliseconds), 10)
                        + String(format: "%.1f ms", result.textP90Milliseconds))
            }
        }
    }

    private func measure(path: CPUPath, precision: CLIPPrecision) throws -> ModelBenchmark.Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        process.arguments = [
            "model", "bench", directory, "--precision", precision.rawValue, "--isa", path.description, "--batch", "1",
            "--batch", "16", "--seconds", String(seconds), "--queries", String(queries), "--json",
        ]
        process.environment = ProcessInfo.processInfo.environment.merging(path.environment) { $1 }
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw ValidationError("the \(path) \(precision) run failed (exit \(process.terminationStatus))")
        }
        return try JSONDecoder().decode(ModelBenchmark.Result.self, from: data)
    }

    private func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text + " " : text + String(repeating: " ", count: width - text.count)
    }
}
