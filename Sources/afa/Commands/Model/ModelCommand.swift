import ArgumentParser
import CLIP

/// `afa model …`: inspect, run, benchmark and fabricate CLIP checkpoints.
struct ModelCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "model",
        abstract: "Fetch, inspect, run and benchmark CLIP checkpoints.",
        subcommands: [
            FetchModelCommand.self, InspectModelCommand.self, EmbedTextCommand.self, EmbedImageCommand.self,
            BenchModelCommand.self, RandomModelCommand.self,
        ])
}

extension CLIPPrecision: ExpressibleByArgument {}

extension CPUPath: ExpressibleByArgument {
    public init?(argument: String) { self.init(name: argument) }
}
