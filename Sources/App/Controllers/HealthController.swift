import Catalog
import Hummingbird
import NIOCore
import Prometheus

/// `/healthz` (the process answers), `/readyz` (the catalog answers and its schema is current)
/// and `/metrics` (Prometheus text). None needs a key: they carry no user data.
struct HealthController {
    let catalog: CatalogDatabase
    let metrics: MetricsRegistry
    let modelStatus: @Sendable () -> ModelStatus?

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("healthz") { _, _ in ["status": "ok"] }
        router.get("readyz", use: ready)
        router.get("metrics", use: scrape)
    }

    @Sendable func ready(
        _ request: Request, context: AppRequestContext
    ) async throws -> EditedResponse<[String: String]> {
        var (status, body) = try await readiness()
        // Without a model the server is still ready: only the semantic stages wait (skipped).
        if let model = modelStatus() {
            body["model"] = model.state
            if let hint = model.hint { body["model_hint"] = hint }
        }
        return EditedResponse(status: status, response: body)
    }

    private func readiness() async throws -> (HTTPResponse.Status, [String: String]) {
        guard await catalog.ping() else { return (.serviceUnavailable, ["status": "database unreachable"]) }
        let pending = try await catalog.migrator.pendingVersions()
        guard pending.isEmpty else { return (.serviceUnavailable, ["status": "migrations pending: \(pending)"]) }
        return (.ok, ["status": "ready"])
    }

    @Sendable func scrape(_ request: Request, context: AppRequestContext) async throws -> Response {
        if let counts = try? await catalog.jobs.countsByState() { metrics.recordQueueDepth(counts) }
        var buffer: [UInt8] = []
        metrics.registry.emit(into: &buffer)
        return Response(
            status: .ok, headers: [.contentType: "text/plain; version=0.0.4"],
            body: .init(byteBuffer: ByteBuffer(bytes: buffer)))
    }
}
