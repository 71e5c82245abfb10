import ArgumentParser
import CLIP
import Foundation

struct RandomModelCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "random", abstract: "Write a random-initialised CLIP checkpoint (for benchmarks and tests).")

    @Option(help: "Architecture: \(CLIPPreset.allCases.map(\.rawValue).joined(separator: ", ")).")
    var like: String

    @Option(help: "A folder with vocab.json and merges.txt to copy.")
    var tokenizer: String = "Tests/CLIPTests/Fixtures/tiny"

    @Option(help: "Random seed.")
    var seed: UInt64 = 0

    @Option(help: "Scale this many activation channels 30-100x, as trained checkpoints have them (a test of int8).")
    var outlierChannels: Int = 0

    @Argument(help: "The folder to write.")
    var output: String

    func run() async throws {
        guard let preset = CLIPPreset(rawValue: like) else {
            throw ValidationError(
                "unknown architecture '\(like)'; choose one of \(CLIPPreset.allCases.map(\.rawValue))")
        }
        let configuration = preset.configuration
        try RandomCheckpointWriter.write(
            configuration, to: URL(fileURLWithPath: output), tokenizerDirectory: URL(fileURLWithPath: tokenizer),
            seed: seed, outliers: outlierChannels > 0 ? OutlierChannels(count: outlierChannels) : nil)
        print("wrote \(preset.rawValue) (\(configuration.parameterCount.formatted()) parameters, float32) to \(output)")
    }
}
