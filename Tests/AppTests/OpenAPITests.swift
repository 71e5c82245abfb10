import App
import Foundation
import Hummingbird
import HummingbirdTesting
import Runtime
import Testing

@testable import TestSupport

/// docs/openapi.yaml is the API's contract: every route `afa serve` mounts is in it, it names no
/// route the server lacks, and the server hands out exactly that file.
@Suite struct OpenAPITests {
    static let specURL = TestCluster.repositoryRoot.appending(path: "docs/openapi.yaml")

    @Test func theSpecDescribesEveryRouteAndNoOther() async throws {
        try await withCatalog { catalog, _ in
            let storage = FileManager.default.temporaryDirectory.appending(path: "afa-routes-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: storage) }
            var configuration = try AppConfiguration(environment: [:])
            configuration.storagePath = storage
            // Built as `afa serve` builds it: the standard pipeline (with its tags stage) and the
            // document services, so every route that only some configurations mount is there.
            let processing = try Runtime.ProcessingSetup(
                configuration, catalog: catalog, logger: TestCluster.logger, compute: TestCluster.compute)
            let router = buildRouter(
                Runtime.dependencies(
                    configuration, catalog: catalog, processing: processing, metrics: MetricsRegistry()),
                logger: TestCluster.logger)
            let routed = Set(router.routes.map { "\($0.method.rawValue) \(Self.normalised("\($0.path)"))" })
            let documented = try Self.documentedOperations()

            #expect(routed.count > 30, "the router lists its routes: \(routed.sorted())")
            let undocumented = routed.subtracting(documented).sorted()
            let unrouted = documented.subtracting(routed).sorted()
            #expect(
                undocumented.isEmpty,
                "routes docs/openapi.yaml does not describe:\n\(undocumented.joined(separator: "\n"))")
            #expect(
                unrouted.isEmpty,
                "operations in docs/openapi.yaml no route serves:\n\(unrouted.joined(separator: "\n"))")
        }
    }

    @Test func theServerServesTheSpecFileWithoutAKey() async throws {
        try await TestApp.run(workers: 0) { client, _ in
            let response = try await client.call(.get, "/openapi.yaml", key: nil)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "application/yaml")
            let onDisk = try Data(contentsOf: Self.specURL)
            #expect(Data(response.body.readableBytesView) == onDisk, "the served spec is docs/openapi.yaml as built")
        }
    }

    /// `GET /api/v1/objects/{id}` and the like: every operation under `paths:`, read by indentation
    /// (two spaces for a path, four for a method), as the file is written.
    static func documentedOperations() throws -> Set<String> {
        let methods: Set<String> = ["get", "put", "post", "delete", "options", "head", "patch", "trace"]
        var operations: Set<String> = []
        var inPaths = false
        var path: String?
        for line in try String(contentsOf: specURL, encoding: .utf8).split(separator: "\n") {
            if !line.hasPrefix(" ") {
                inPaths = line.hasPrefix("paths:")
                continue
            }
            guard inPaths, line.hasSuffix(":") else { continue }
            let indent = line.prefix { $0 == " " }.count
            let key = line.trimmingCharacters(in: .whitespaces).dropLast().trimmingCharacters(
                in: CharacterSet(charactersIn: "\"'"))
            if indent == 2 {
                path = key
            } else if indent == 4, methods.contains(key), let path {
                operations.insert("\(key.uppercased()) \(normalised(path))")
            }
        }
        return operations
    }

    /// `/api/v1/objects/:id` (Hummingbird's other spelling) as `/api/v1/objects/{id}`, with one leading slash.
    static func normalised(_ path: String) -> String {
        let components = path.split(separator: "/").map { component in
            component.hasPrefix(":") ? "{\(component.dropFirst())}" : String(component)
        }
        return "/" + components.joined(separator: "/")
    }
}
