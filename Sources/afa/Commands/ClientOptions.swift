import App
import ArgumentParser
import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import WireTypes

/// Where the server is and which key to use, shared by the client commands.
struct ClientOptions: ParsableArguments {
    @Option(help: "Server URL (default: $AFA_URL or http://127.0.0.1:$PORT).") var server: String?
    @Option(help: "API key (default: $AFA_API_KEY, else $AFA_DATA/admin.key).") var key: String?

    func resolve() throws -> (baseURL: String, key: String) {
        let environment = AppConfiguration.processEnvironment()
        let configuration = try AppConfiguration(environment: environment)
        let base = server ?? environment["AFA_URL"] ?? "http://127.0.0.1:\(configuration.port)"
        if let key = key ?? environment["AFA_API_KEY"] { return (base, key) }
        let file = configuration.dataRoot.appending(path: "admin.key")
        guard let stored = try? String(contentsOf: file, encoding: .utf8) else {
            throw ValidationError("no API key: pass --key, set AFA_API_KEY, or run where \(file.path) exists")
        }
        return (base, stored.trimmingCharacters(in: .whitespacesAndNewlines))
    }
}

/// A JSON response, or the server's `{"error":…}` turned into a readable failure.
func decodeResponse<T: Decodable>(_ type: T.Type, _ response: HTTPClientResponse) async throws -> T {
    let body = try await response.body.collect(upTo: 16 << 20)
    guard (200..<300).contains(response.status.code) else {
        let message = (try? JSONDecoder().decode(ErrorEnvelope.self, from: body)).map {
            "\($0.error.code): \($0.error.message)"
        }
        throw ClientFailure(description: "server answered \(response.status.code): \(message ?? String(buffer: body))")
    }
    return try JSONDecoder().decode(T.self, from: body)
}

struct ClientFailure: Error, CustomStringConvertible {
    let description: String
}

func fetchStatus(_ client: HTTPClient, base: String, key: String, job: String) async throws -> IngestStatusResponse {
    var request = HTTPClientRequest(url: "\(base)/api/v1/ingest/\(job)/status")
    request.headers.add(name: "Authorization", value: "Bearer \(key)")
    return try await decodeResponse(IngestStatusResponse.self, try await client.execute(request, timeout: .seconds(30)))
}
