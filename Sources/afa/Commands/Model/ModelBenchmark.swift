import CLIP
import Foundation

/// One `afa model bench` measurement in this process: images/s per batch size, then the latency of
/// a 10-word text query.
struct ModelBenchmark {
    let directory: String
    let precision: CLIPPrecision
    let packsWeights: Bool
    let batches: [Int]
    let seconds: Double
    let queries: Int

    struct Result: Codable {
        struct Images: Codable {
            let batch: Int
            let imagesPerSecond: Double
            let cpuMillisecondsPerImage: Double
            let images: Int
            let seconds: Double
        }

        let path: String
        let precision: String
        let textPrecision: String
        let parameters: Int
        let dtypes: [String]
        let loadSeconds: Double
        let images: [Images]
        let textMedianMilliseconds: Double
        let textP90Milliseconds: Double
        let textCPUMilliseconds: Double
        let textTokens: Int
        let tokenizingMilliseconds: Double
        let peakMegabytes: Int?
    }

    static let query = "a photo of a small brown dog playing with a red ball outside"

    func run() throws -> Result {
        let clock = ContinuousClock()
        let loadStart = clock.now
        let model = try CLIPModel.load(
            from: URL(fileURLWithPath: directory),
            options: CLIPLoadOptions(precision: precision, packsWeights: packsWeights))
        let loadTime = clock.now - loadStart

        // Preprocessed pixels of a noise image: the speed does not depend on content.
        let side = model.configuration.vision.imageSize
        var generator = SystemRandomNumberGenerator()
        let image = try RGBImage(
            width: side, height: side,
            pixels: (0..<(side * side * 3)).map { _ in UInt8.random(in: 0...255, using: &generator) })
        let onePixels = model.pixelValues(for: image)

        var images: [Result.Images] = []
        for batch in batches {
            let pixels = Array([[Float]](repeating: onePixels, count: batch).joined())
            _ = try model.imageEmbeddings(pixelValues: pixels, count: batch)  // warm-up: compiles the kernels
            var count = 0
            let cpuStart = processCPUSeconds()
            let start = clock.now
            while clock.now - start < .seconds(seconds) {
                _ = try model.imageEmbeddings(pixelValues: pixels, count: batch)
                count += batch
            }
            let elapsed = (clock.now - start).seconds
            images.append(
                .init(
                    batch: batch, imagesPerSecond: Double(count) / elapsed,
                    cpuMillisecondsPerImage: (processCPUSeconds() - cpuStart) / Double(count) * 1000, images: count,
                    seconds: elapsed))
        }

        // The engine has no cache (the service keeps one of recent queries), so every query computes.
        _ = try model.textEmbeddings([Self.query])
        var latencies: [Double] = []
        let textCPUStart = processCPUSeconds()
        for _ in 0..<queries {
            let queryStart = clock.now
            _ = try model.textEmbeddings([Self.query])
            latencies.append((clock.now - queryStart).seconds * 1000)
        }
        latencies.sort()
        let textCPU = (processCPUSeconds() - textCPUStart) / Double(queries) * 1000
        let tokenizeStart = clock.now
        for _ in 0..<queries { _ = model.tokenize(Self.query) }
        let tokenizeTime = (clock.now - tokenizeStart).seconds * 1000 / Double(queries)

        return Result(
            path: CPUPath.effective.description, precision: model.precision.rawValue,
            textPrecision: model.textPrecision.rawValue, parameters: model.parameterCount,
            dtypes: model.storedDTypes.sorted(), loadSeconds: loadTime.seconds, images: images,
            textMedianMilliseconds: latencies[latencies.count / 2],
            textP90Milliseconds: latencies[latencies.count * 9 / 10], textCPUMilliseconds: textCPU,
            textTokens: model.tokenize(Self.query).count, tokenizingMilliseconds: tokenizeTime,
            peakMegabytes: peakResidentMegabytes())
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

extension ModelBenchmark.Result {
    func printReport(directory: String, blasOnly: Bool) {
        let environment = ProcessInfo.processInfo.environment
        func format(_ value: Double, _ digits: Int = 1) -> String { String(format: "%.\(digits)f", value) }
        print("model:           \(directory) (\(parameters.formatted()) parameters, \(dtypes.joined(separator: ",")))")
        print(
            "machine:         \(ProcessInfo.processInfo.activeProcessorCount) cores, \(CPUFeatures.host.model), "
                + "OPENBLAS_NUM_THREADS=\(environment["OPENBLAS_NUM_THREADS"] ?? "unset")")
        print("kernels:         \(path)")
        print(
            "precision:       \(precision)\(blasOnly ? " (OpenBLAS only)" : "")"
                + (textPrecision == precision ? "" : ", text tower \(textPrecision)"))
        print("load:            \(format(loadSeconds, 2)) s")
        for run in images {
            print(
                "images:          \(format(run.imagesPerSecond)) images/s (batch \(run.batch), \(run.images) images in "
                    + "\(format(run.seconds)) s, \(format(run.cpuMillisecondsPerImage, 0)) ms CPU per image)")
        }
        print(
            "text query:      \(format(textMedianMilliseconds, 2)) ms median, \(format(textP90Milliseconds, 2)) ms p90, "
                + "\(format(textCPUMilliseconds)) ms CPU (\(textTokens) tokens, tokenizing \(format(tokenizingMilliseconds, 2)) ms)"
        )
        print("peak memory:     \(peakMegabytes.map { "\($0) MB" } ?? "unknown") (VmHWM)")
    }
}

extension Duration {
    var seconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) * 1e-18
    }
}
