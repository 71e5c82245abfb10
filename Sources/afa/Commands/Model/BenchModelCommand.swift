import ArgumentParser
import CLIP
import Foundation

struct BenchModelCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench", abstract: "Measure image throughput and text-query latency.")

    @Argument(help: "A Hugging Face CLIP folder.")
    var directory: String

    @Option(help: "Images per forward pass.")
    var batch: Int = 16

    @Option(help: "Seconds to run the image benchmark.")
    var seconds: Double = 10

    @Option(help: "Text queries to time.")
    var queries: Int = 50

    @Option(help: "Matrix-product arithmetic: float32 or bfloat16.")
    var precision: CLIPPrecision = .float32

    @Flag(help: "Run every product through OpenBLAS on the memory-mapped weights (no oneDNN packing).")
    var blasOnly = false

    func run() async throws {
        guard batch > 0, seconds > 0, queries > 0 else {
            throw ValidationError("batch, seconds and queries must be positive")
        }
        let clock = ContinuousClock()
        let loadStart = clock.now
        let model = try CLIPModel.load(
            from: URL(fileURLWithPath: directory),
            options: CLIPLoadOptions(precision: precision, packsWeights: !blasOnly))
        let loadTime = clock.now - loadStart

        // Preprocessed pixels of a deterministic noise image: the speed does not depend on content.
        let side = model.configuration.vision.imageSize
        var generator = SystemRandomNumberGenerator()
        let image = try RGBImage(
            width: side, height: side,
            pixels: (0..<(side * side * 3)).map { _ in UInt8.random(in: 0...255, using: &generator) })
        let pixels = Array([[Float]](repeating: model.pixelValues(for: image), count: batch).joined())

        _ = try model.imageEmbeddings(pixelValues: pixels, count: batch)  // warm-up
        var images = 0
        let cpuStart = processCPUSeconds()
        let start = clock.now
        while clock.now - start < .seconds(seconds) {
            _ = try model.imageEmbeddings(pixelValues: pixels, count: batch)
            images += batch
        }
        let elapsed = clock.now - start
        let imagesPerSecond = Double(images) / elapsed.seconds
        let cpuPerImage = (processCPUSeconds() - cpuStart) / Double(images) * 1000

        let query = "a photo of a small brown dog playing with a red ball outside"
        _ = try model.textEmbeddings([query])
        var latencies: [Double] = []
        let textCPUStart = processCPUSeconds()
        for _ in 0..<queries {
            let queryStart = clock.now
            _ = try model.textEmbeddings([query])
            latencies.append((clock.now - queryStart).seconds * 1000)
        }
        latencies.sort()
        let textCPU = (processCPUSeconds() - textCPUStart) / Double(queries) * 1000
        let tokenizeStart = clock.now
        for _ in 0..<queries { _ = model.tokenize(query) }
        let tokenizeTime = (clock.now - tokenizeStart).seconds * 1000 / Double(queries)

        let environment = ProcessInfo.processInfo.environment
        print(
            "model:           \(directory) (\(model.parameterCount.formatted()) parameters, \(model.storedDTypes.sorted().joined(separator: ",")))"
        )
        print(
            "machine:         \(ProcessInfo.processInfo.activeProcessorCount) cores, OPENBLAS_NUM_THREADS=\(environment["OPENBLAS_NUM_THREADS"] ?? "unset"), OPENBLAS_CORETYPE=\(environment["OPENBLAS_CORETYPE"] ?? "unset")"
        )
        print("precision:       \(model.precision.rawValue)\(blasOnly ? " (OpenBLAS only)" : "")")
        print("load:            \(String(format: "%.2f", loadTime.seconds)) s")
        print(
            "images:          \(String(format: "%.1f", imagesPerSecond)) images/s (batch \(batch), \(images) images in \(String(format: "%.1f", elapsed.seconds)) s, \(String(format: "%.0f", cpuPerImage)) ms CPU per image)"
        )
        print(
            "text query:      \(String(format: "%.2f", latencies[latencies.count / 2])) ms median, \(String(format: "%.2f", latencies[latencies.count * 9 / 10])) ms p90, \(String(format: "%.1f", textCPU)) ms CPU (\(queries) queries, \(model.tokenize(query).count) tokens, tokenizing \(String(format: "%.2f", tokenizeTime)) ms)"
        )
        print("peak memory:     \(peakResidentMegabytes().map { "\($0) MB" } ?? "unknown") (VmHWM)")
    }

    /// User + system time of the whole process: with other work on the machine, CPU time per image
    /// shows the engine's own cost where wall time shows the share of the cores it got.
    private func processCPUSeconds() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
    }

    /// VmHWM from /proc/self/status, in megabytes.
    private func peakResidentMegabytes() -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
            let kilobytes = Int(line.split(separator: " ").dropFirst().first ?? "")
        else { return nil }
        return kilobytes / 1024
    }
}

extension Duration {
    fileprivate var seconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) * 1e-18
    }
}
