import App
import ArgumentParser
import AsyncHTTPClient
import Foundation
import ModelHub

/// `afa model fetch`: makes the configured checkpoint available locally (downloading it from the
/// hub into MODEL_DIR when it is a hub id), so a server never has to wait for it.
struct FetchModelCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fetch",
        abstract: "Download a checkpoint (a Hugging Face id, default $EMBEDDING_MODEL) into MODEL_DIR.",
        discussion: "Interrupted downloads resume; files are checked against the hub's SHA-256 before use.")

    @Argument(help: "A hub id such as openai/clip-vit-base-patch32[@revision], or a local folder.")
    var model: String?

    func run() async throws {
        let environment = AppConfiguration.processEnvironment()
        let settings = ModelSettings.fromEnvironment(
            environment, dataRoot: try AppConfiguration(environment: environment).dataRoot)
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .modelHub)
        let locator = ModelLocator(
            modelDirectory: settings.modelDirectory, hubBaseURL: settings.endpoint.baseURL, httpClient: client,
            logger: makeLogger(environment))
        let result = await Result {
            try await locator.resolve(model ?? settings.model) { file, bytes, total in
                let size = total.map { String(format: " of %.1f MiB", Double($0) / 1_048_576) } ?? ""
                let line = String(format: "%@: %.1f MiB%@", file, Double(bytes) / 1_048_576, size)
                FileHandle.standardError.write(Data((line + "\r").utf8))
            }
        }
        try await client.shutdown()
        FileHandle.standardError.write(Data("\n".utf8))
        print(try result.get().path)
    }
}
