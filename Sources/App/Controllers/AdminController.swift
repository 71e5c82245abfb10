import Catalog
import Foundation
import Hummingbird

/// `/api/v1/admin/…`: keys, the job queue and the audit. Every route needs an admin key.
struct AdminController {
    let catalog: CatalogDatabase

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.post("keys", use: createKey)
        group.get("jobs", use: listJobs)
        group.post("jobs/{id}/retry", use: retryJob)
        group.get("audit/verify", use: verifyAudit)
    }

    struct NewKey: Decodable {
        let role: String
        let owner: String
    }

    struct CreatedKey: ResponseEncodable {
        let key: String
        let role: String
        let owner: String
    }

    @Sendable func createKey(_ request: Request, context: AppRequestContext) async throws -> EditedResponse<CreatedKey>
    {
        _ = try context.requireAdmin()
        let input: NewKey
        do { input = try await request.decode(as: NewKey.self, context: context) } catch {
            throw APIError.badRequest("invalid_body", "expected {\"role\": \"admin\"|\"user\", \"owner\": \"…\"}")
        }
        guard let role = Role(rawValue: input.role) else {
            throw APIError.badRequest("invalid_body", "role must be admin or user")
        }
        let owner = input.owner.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !owner.isEmpty, owner.count <= 200 else { throw APIError.badRequest("invalid_body", "owner is required") }
        let created = try await catalog.apiKeys.create(role: role, owner: owner)
        return EditedResponse(
            status: .created, response: CreatedKey(key: created.key, role: role.rawValue, owner: owner))
    }

    struct JobList: ResponseEncodable {
        struct Job: Encodable {
            let id: Int64
            let asset_id: String
            let stage: String
            let state: String
            let attempts: Int
            let last_error: String?
        }
        let counts: [String: Int]
        let jobs: [Job]
    }

    @Sendable func listJobs(_ request: Request, context: AppRequestContext) async throws -> JobList {
        _ = try context.requireAdmin()
        let stateName = request.uri.queryParameters["state"].map(String.init) ?? "dead"
        guard let state = JobState(rawValue: stateName) else {
            throw APIError.badRequest("invalid_query", "state must be queued, processing, done, failed or dead")
        }
        let counts = try await catalog.jobs.countsByState()
        return JobList(
            counts: Dictionary(uniqueKeysWithValues: counts.map { ($0.key.rawValue, $0.value) }),
            jobs: try await catalog.jobs.list(state: state, limit: 200).map {
                .init(
                    id: $0.id, asset_id: $0.assetID.uuidString.lowercased(), stage: $0.stage, state: $0.state.rawValue,
                    attempts: $0.attempts, last_error: $0.lastError)
            })
    }

    struct Retried: ResponseEncodable {
        let job_id: Int64
        let state: String
    }

    @Sendable func retryJob(_ request: Request, context: AppRequestContext) async throws -> Retried {
        let principal = try context.requireAdmin()
        guard let id = context.parameters.get("id").flatMap(Int64.init) else { throw APIError.notFound("job") }
        guard try await catalog.jobs.retry(jobID: id, actor: "key:\(principal.keyID.uuidString.lowercased())") else {
            throw APIError(.conflict, code: "not_retryable", "job \(id) does not exist or is not failed or dead")
        }
        return Retried(job_id: id, state: "queued")
    }

    struct AuditReport: ResponseEncodable {
        struct BrokenLink: Encodable {
            let asset_id: String
            let seq: Int
            let reason: String
        }
        let intact: Bool
        let assets: Int
        let events: Int
        let first_broken_link: BrokenLink?
    }

    @Sendable func verifyAudit(_ request: Request, context: AppRequestContext) async throws -> AuditReport {
        _ = try context.requireAdmin()
        let report = try await catalog.lineageVerifier.verify()
        return AuditReport(
            intact: report.intact, assets: report.assets, events: report.events,
            first_broken_link: report.firstBrokenLink.map {
                .init(asset_id: $0.assetID.uuidString.lowercased(), seq: $0.seq, reason: $0.reason)
            })
    }
}
