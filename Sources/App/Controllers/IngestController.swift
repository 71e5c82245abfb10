import Catalog
import Foundation
import Hummingbird
import Ingest
import Jobs
import Storage
import WireTypes

/// `POST /api/v1/ingest` and `GET /api/v1/ingest/{jobId}/status`.
struct IngestController {
    let service: IngestService
    let catalog: CatalogDatabase
    /// Names the stages an item's kind skips, which have no job row, in its status.
    let pipeline: Pipeline
    let store: any BlobStore
    let limits: IngestRequestReader.Limits

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.post("ingest", use: ingest)
        group.get("ingest/{jobId}/status", use: status)
    }

    @Sendable func ingest(_ request: Request, context: AppRequestContext) async throws -> EditedResponse<IngestAccepted>
    {
        let principal = try context.requirePrincipal()
        await context.acceptBody()
        let body = try await IngestRequestReader(store: store, limits: limits).read(request)
        let owner: String
        let parts: JSONFileParts.Expanded
        do {
            owner = try resolveOwner(requested: body.owner, principal: principal)
            parts = try await JSONFileParts.expand(
                body.items, store: store, maximumJSONBytes: limits.maximumJSONBytes,
                maximumDocumentBytes: limits.maximumDocumentBytes)
            guard parts.items.count <= limits.maximumItems else {
                await IngestService.discard(parts.items, from: store)
                throw IngestRequestReader.tooManyItems(limits.maximumItems)
            }
        } catch {
            await IngestService.discard(body.items, from: store)
            throw error
        }
        do {
            let collection = body.collection ?? request.uri.queryParameters.get("collection")
            let receipt = try await service.accept(
                IngestBatch(
                    owner: owner, comments: body.comments, items: parts.items,
                    collection: collection.flatMap { $0.isEmpty ? nil : $0 }, documentSource: parts.source),
                actor: "key:\(principal.keyID.uuidString.lowercased())")
            return EditedResponse(
                status: .accepted,
                response: IngestAccepted(
                    job_id: receipt.requestID.uuidString.lowercased(),
                    system_ids: receipt.assetIDs.map { $0.uuidString.lowercased() }, status: "accepted"))
        } catch let rejection as IngestRejection {
            let status: HTTPResponse.Status =
                switch rejection.code {
                case .unsupportedMediaType: .unsupportedMediaType
                case .schemaViolation: .unprocessableContent
                case .documentTooLarge: .contentTooLarge
                default: .badRequest
                }
            throw APIError(
                status, code: rejection.code.rawValue, rejection.message,
                violations: rejection.violations.isEmpty
                    ? nil
                    : rejection.violations.map {
                        .init(document: $0.document, path: $0.path.joined(separator: "/"), message: $0.message)
                    })
        }
    }

    /// A user key always ingests as its own owner; only an admin may name another.
    private func resolveOwner(requested: String?, principal: Principal) throws -> String {
        guard let requested, !requested.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            return principal.owner
        }
        let owner: OwnerName
        do { owner = try OwnerName(validating: requested) } catch {
            throw APIError.badRequest("invalid_field", error.description)
        }
        guard owner.value == principal.owner || principal.isAdmin else {
            throw APIError(.forbidden, code: "forbidden", "only an admin key may ingest for another owner")
        }
        return owner.value
    }

    @Sendable func status(_ request: Request, context: AppRequestContext) async throws -> IngestStatusResponse {
        let principal = try context.requirePrincipal()
        guard let id = context.parameters.get("jobId").flatMap(UUID.init(uuidString:)),
            let status = try await catalog.ingests.status(of: id),
            principal.isAdmin || status.owner == principal.owner
        else { throw APIError.notFound("ingest job") }
        let states = status.items.map(\.state)
        return IngestStatusResponse(
            job_id: id.uuidString.lowercased(), status: status.overall.rawValue,
            progress: .init(
                queued: states.count { $0 == .queued }, processing: states.count { $0 == .processing },
                done: states.count { $0 == .done }, failed: states.count { $0 == .failed }),
            items: status.items.map {
                .init(
                    system_id: $0.assetID.uuidString.lowercased(), copies: $0.copies, state: $0.state.rawValue,
                    error: $0.error,
                    stages: pipeline.shownStages(of: $0).map {
                        .init(
                            stage: $0.name, state: $0.state.rawValue, version: $0.version, attempts: $0.attempts,
                            reason: $0.reason)
                    })
            })
    }
}
