import Catalog
import Foundation
import Hummingbird
import Ingest
import Storage
import WireTypes

/// `/api/v1/admin/…`: keys, the job queue and the audit. Every route needs an admin key.
struct AdminController {
    let catalog: CatalogDatabase
    let store: any BlobStore
    /// Revocation through this process takes effect at once: the key leaves the cache.
    let principals: PrincipalCache

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.post("keys", use: createKey)
        group.get("keys", use: listKeys)
        group.delete("keys/{id}", use: revokeKey)
        group.get("jobs", use: listJobs)
        group.post("jobs/{id}/retry", use: retryJob)
        group.get("audit/verify", use: verifyAudit)
    }

    struct NewKey: Decodable {
        let role: String
        let owner: String
    }

    struct CreatedKey: ResponseEncodable {
        let id: String
        let key: String
        let role: String
        let owner: String
    }

    @Sendable func createKey(_ request: Request, context: AppRequestContext) async throws -> EditedResponse<CreatedKey>
    {
        _ = try context.requireAdmin()
        await context.acceptBody()
        let input: NewKey
        do { input = try await request.decode(as: NewKey.self, context: context) } catch {
            throw APIError.badRequest("invalid_body", "expected {\"role\": \"admin\"|\"user\", \"owner\": \"…\"}")
        }
        guard let role = Role(rawValue: input.role) else {
            throw APIError.badRequest("invalid_body", "role must be admin or user")
        }
        let owner: OwnerName
        do { owner = try OwnerName(validating: input.owner) } catch {
            throw APIError.badRequest("invalid_body", error.description)
        }
        let created = try await catalog.apiKeys.create(role: role, owner: owner.value)
        return EditedResponse(
            status: .created,
            response: CreatedKey(
                id: created.principal.keyID.uuidString.lowercased(), key: created.key, role: role.rawValue,
                owner: owner.value))
    }

    struct KeyList: ResponseEncodable {
        struct Key: Encodable {
            let id: String
            let role: String
            let owner: String
            let created_at: Date
            let revoked_at: Date?
        }
        let keys: [Key]
    }

    @Sendable func listKeys(_ request: Request, context: AppRequestContext) async throws -> KeyList {
        _ = try context.requireAdmin()
        return KeyList(
            keys: try await catalog.apiKeys.list().map {
                .init(
                    id: $0.id.uuidString.lowercased(), role: $0.role.rawValue, owner: $0.owner,
                    created_at: $0.createdAt, revoked_at: $0.revokedAt)
            })
    }

    struct Revoked: ResponseEncodable {
        let id: String
        let revoked: Bool
    }

    /// Effective at once in this process; other processes keep a key they have seen for up to
    /// the cache lifetime (10 s), see docs/operations.md.
    @Sendable func revokeKey(_ request: Request, context: AppRequestContext) async throws -> Revoked {
        _ = try context.requireAdmin()
        guard let id = context.parameters.get("id").flatMap(UUID.init(uuidString:)) else {
            throw APIError.notFound("key")
        }
        guard try await catalog.apiKeys.revoke(id: id) else { throw APIError.notFound("active key") }
        principals.forget(keyID: id)
        return Revoked(id: id.uuidString.lowercased(), revoked: true)
    }

    @Sendable func listJobs(_ request: Request, context: AppRequestContext) async throws -> JobListResponse {
        _ = try context.requireAdmin()
        let stateName = request.uri.queryParameters["state"].map(String.init) ?? "dead"
        guard let state = JobState(rawValue: stateName) else {
            throw APIError.badRequest(
                "invalid_query", "state must be queued, processing, done, failed, dead or skipped")
        }
        let counts = try await catalog.jobs.countsByState()
        return JobListResponse(
            counts: Dictionary(uniqueKeysWithValues: counts.map { ($0.key.rawValue, $0.value) }),
            jobs: try await catalog.jobs.list(state: state, limit: 200).map {
                .init(
                    id: $0.id, asset_id: $0.assetID?.uuidString.lowercased(), task_key: $0.taskKey, stage: $0.stage,
                    state: $0.state.rawValue,
                    attempts: $0.attempts, last_error: $0.lastError)
            })
    }

    @Sendable func retryJob(_ request: Request, context: AppRequestContext) async throws -> JobRetried {
        let principal = try context.requireAdmin()
        guard let id = context.parameters.get("id").flatMap(Int64.init) else { throw APIError.notFound("job") }
        guard try await catalog.jobs.retry(jobID: id, actor: "key:\(principal.keyID.uuidString.lowercased())") else {
            throw APIError(.conflict, code: "not_retryable", "job \(id) does not exist or is not failed or dead")
        }
        return JobRetried(job_id: id, state: "queued")
    }

    struct AuditReport: ResponseEncodable {
        struct BrokenLink: Encodable {
            let subject: String
            let seq: Int
            let reason: String
        }
        struct Blobs: Encodable {
            struct Finding: Encodable {
                let asset_id: String
                let storage_key: String
                let problem: String
            }
            let intact: Bool
            let checked: Int
            let bytes: Int64
            let findings: [Finding]
        }
        let intact: Bool
        let chains: Int
        let events: Int
        let first_broken_link: BrokenLink?
        /// With `?blobs=true`: every stored blob re-hashed.
        let blobs: Blobs?
    }

    @Sendable func verifyAudit(_ request: Request, context: AppRequestContext) async throws -> AuditReport {
        _ = try context.requireAdmin()
        let withBlobs: Bool
        switch request.uri.queryParameters["blobs"].map(String.init) {
        case nil, "false": withBlobs = false
        case "true": withBlobs = true
        default: throw APIError.badRequest("invalid_query", "blobs must be true or false")
        }
        let report = try await catalog.lineageVerifier.verify()
        let blobs = withBlobs ? try await BlobAudit(catalog: catalog, store: store).run() : nil
        return AuditReport(
            intact: report.intact && (blobs?.intact ?? true), chains: report.chains, events: report.events,
            first_broken_link: report.firstBrokenLink.map {
                .init(subject: $0.subject, seq: $0.seq, reason: $0.reason)
            },
            blobs: blobs.map { blobs in
                .init(
                    intact: blobs.intact, checked: blobs.checked, bytes: blobs.bytes,
                    findings: blobs.findings.map {
                        .init(
                            asset_id: $0.assetID.uuidString.lowercased(), storage_key: $0.storageKey,
                            problem: $0.problem)
                    })
            })
    }
}
