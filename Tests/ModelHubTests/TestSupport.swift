import AsyncHTTPClient
import Foundation
import Logging
import ModelHub
import NIOCore

/// A fresh `MODEL_DIR` and a client configured as the app configures it, both cleaned up after `body`.
@discardableResult
func withModelDirectory<T>(
    connectTimeout: TimeAmount = .seconds(5), _ body: (URL, HTTPClient) async throws -> T
) async throws -> T {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("modelhub-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    var configuration = HTTPClient.Configuration.modelHub
    configuration.timeout.connect = connectTimeout
    let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    do {
        let result = try await body(directory, client)
        try await client.shutdown()
        try? FileManager.default.removeItem(at: directory)
        return result
    } catch {
        try? await client.shutdown()
        try? FileManager.default.removeItem(at: directory)
        throw error
    }
}

func makeLocator(_ directory: URL, hub: URL, client: HTTPClient) -> ModelLocator {
    var logger = Logger(label: "modelhub-tests")
    logger.logLevel = .warning
    return ModelLocator(modelDirectory: directory, hubBaseURL: hub, httpClient: client, logger: logger)
}

func fixtureData(_ name: String) throws -> Data {
    try Data(contentsOf: FakeHub.fixtures.appendingPathComponent(name))
}

func fileData(_ folder: URL, _ name: String) -> Data? {
    try? Data(contentsOf: folder.appendingPathComponent(name))
}

func exists(_ folder: URL, _ name: String) -> Bool {
    FileManager.default.fileExists(atPath: folder.appendingPathComponent(name).path)
}
