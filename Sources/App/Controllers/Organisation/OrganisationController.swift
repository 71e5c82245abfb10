import Catalog
import Foundation
import Hummingbird

/// Clusters, duplicates and the trash: admin-only, every action in lineage with its actor.
struct OrganisationController {
    let catalog: CatalogDatabase

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("clusters", use: list)
        group.get("clusters/{id}", use: show)
        group.patch("clusters/{id}", use: change)
        group.post("clusters/{id}/split", use: split)
        group.post("duplicates/{id}/resolve", use: resolve)
        group.get("trash", use: trash)
        group.post("trash/{id}/restore", use: restore)
    }

    struct ClusterView: ResponseEncodable {
        let id: String
        let owner: String
        let name: String
        /// The folder: `media/clusters/<slug>/`.
        let folder: String
        let state: String
        let merged_into: String?
        let cohesion: Double?
        let member_count: Int
        let exemplars: [Member]
        let created_at: Date
        let updated_at: Date
        /// One cluster only: its most common tags and a page of members.
        let tags: [Tag]?
        let members: [Member]?
        let members_next: String?
    }

    struct Member: Codable {
        let id: String
        let thumbnail_url: String
        let storage_uri: String?
    }

    struct Tag: Codable {
        let tag: String
        let members: Int
    }

    struct ClusterList: ResponseEncodable {
        let clusters: [ClusterView]
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> ClusterList {
        _ = try context.requireAdmin()
        let owner = try request.ownerQuery()
        let clusters = try await catalog.clusters.list(owner: owner)
        return ClusterList(clusters: clusters.map { view($0, tags: nil, members: nil, next: nil) })
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> ClusterView {
        _ = try context.requireAdmin()
        let cluster = try await cluster(context)
        let query = request.uri.queryParameters
        let limit =
            try query["limit"].map {
                guard let limit = Int($0), (1...500).contains(limit) else {
                    throw APIError.badRequest("invalid_query", "limit must be 1…500")
                }
                return limit
            } ?? 100
        let after = try query["after"].map {
            guard let id = UUID(uuidString: String($0)) else {
                throw APIError.badRequest("invalid_query", "after must be a member's id")
            }
            return id
        }
        let members = try await catalog.clusters.members(of: cluster.id, after: after, limit: limit)
        let tags = try await catalog.clusters.tags(of: cluster.id)
        let next = members.count == limit ? members.last.map { $0.id.uuidString.lowercased() } : nil
        return view(
            cluster, tags: tags.map { Tag(tag: $0.tag, members: $0.members) },
            members: members.map { member($0.id, storage: $0.placementKey) }, next: next)
    }

    @Sendable func change(_ request: Request, context: AppRequestContext) async throws -> ClusterView {
        let principal = try context.requireAdmin()
        await context.acceptBody()
        let cluster = try await cluster(context)
        let body = try await request.body.collect(upTo: 1 << 20)
        let change = try ClusterChange.decodeBody(
            body, expected: "{\"name\": text} or {\"merge_into\": cluster id} or {\"remove\": [member id]}")
        let actor = actor(principal)
        let decisions = catalog.organisationDecisions
        let changes = [change.name != nil, change.merge_into != nil, change.remove != nil].filter { $0 }.count
        guard changes == 1 else {
            throw APIError.badRequest("invalid_body", "give exactly one of name, merge_into and remove")
        }
        try await ProposalsController.organising {
            if let name = change.name { try await decisions.rename(cluster.id, to: name, actor: actor) }
            if let target = change.merge_into {
                guard try await catalog.clusters.cluster(target) != nil else {
                    throw APIError.notFound("target cluster")
                }
                try await decisions.merge(cluster.id, into: target, actor: actor)
            }
            if let remove = change.remove { try await decisions.remove(Set(remove), from: cluster.id, actor: actor) }
        }
        let shown = try await catalog.clusters.cluster(change.merge_into ?? cluster.id).orThrow(
            APIError.notFound("cluster"))
        return view(shown, tags: nil, members: nil, next: nil)
    }

    @Sendable func split(_ request: Request, context: AppRequestContext) async throws -> ClusterView {
        let principal = try context.requireAdmin()
        await context.acceptBody()
        let cluster = try await cluster(context)
        let body = try await request.body.collect(upTo: 1 << 20)
        let split = try ClusterSplit.decodeBody(body, expected: "{\"members\": [member id], \"name\": text (optional)}")
        let newID = try await ProposalsController.organising {
            try await catalog.organisationDecisions.split(
                cluster.id, members: Set(split.members), name: split.name, actor: actor(principal))
        }
        let created = try await catalog.clusters.cluster(newID).orThrow(APIError.notFound("cluster"))
        return view(created, tags: nil, members: nil, next: nil)
    }

    struct Resolved: ResponseEncodable {
        let proposal: String
        let result: JSONValue
    }

    @Sendable func resolve(_ request: Request, context: AppRequestContext) async throws -> Resolved {
        let principal = try context.requireAdmin()
        await context.acceptBody()
        guard let id = context.parameters.get("id").flatMap(UUID.init(uuidString:)) else {
            throw APIError.notFound("duplicate group")
        }
        let body = try await request.body.collect(upTo: 1 << 20)
        let resolution =
            body.readableBytesView.contains(where: { $0 > 0x20 })
            ? try DuplicateResolution.decodeBody(body, expected: "{\"keeper\": id, \"excluded\": [id]} (each optional)")
            : DuplicateResolution()
        let result = try await ProposalsController.organising {
            try await catalog.organisationDecisions.resolveDuplicates(
                id, keeper: resolution.keeper, excluded: Set(resolution.excluded ?? []), actor: actor(principal))
        }
        return Resolved(proposal: id.uuidString.lowercased(), result: result)
    }

    struct TrashItem: Codable {
        let id: String
        let owner: String
        let media_type: String
        let trashed_at: Date
        let thumbnail_url: String
    }

    struct TrashList: ResponseEncodable {
        let items: [TrashItem]
    }

    @Sendable func trash(_ request: Request, context: AppRequestContext) async throws -> TrashList {
        _ = try context.requireAdmin()
        let owner = try request.ownerQuery()
        let items = try await catalog.trash.list(owner: owner, limit: 500)
        return TrashList(
            items: items.map {
                let id = $0.asset.id.uuidString.lowercased()
                return TrashItem(
                    id: id, owner: $0.asset.owner, media_type: $0.asset.mediaType, trashed_at: $0.trashedAt,
                    thumbnail_url: "/api/v1/objects/\(id)/thumbnail?size=small")
            })
    }

    struct Restored: ResponseEncodable {
        let id: String
        let restored: Bool
    }

    @Sendable func restore(_ request: Request, context: AppRequestContext) async throws -> Restored {
        let principal = try context.requireAdmin()
        guard let id = context.parameters.get("id").flatMap(UUID.init(uuidString:)) else {
            throw APIError.notFound("asset in the trash")
        }
        try await ProposalsController.organising {
            try await catalog.organisationDecisions.restore(id, actor: actor(principal))
        }
        return Restored(id: id.uuidString.lowercased(), restored: true)
    }

    // MARK: Helpers

    private func cluster(_ context: AppRequestContext) async throws -> ClusterRecord {
        guard let id = context.parameters.get("id").flatMap(UUID.init(uuidString:)),
            let cluster = try await catalog.clusters.cluster(id)
        else { throw APIError.notFound("cluster") }
        return cluster
    }

    private func actor(_ principal: Principal) -> String { "key:\(principal.keyID.uuidString.lowercased())" }

    private func member(_ id: UUID, storage: String?) -> Member {
        let text = id.uuidString.lowercased()
        return Member(id: text, thumbnail_url: "/api/v1/objects/\(text)/thumbnail?size=small", storage_uri: storage)
    }

    private func view(_ cluster: ClusterRecord, tags: [Tag]?, members: [Member]?, next: String?) -> ClusterView {
        ClusterView(
            id: cluster.id.uuidString.lowercased(), owner: cluster.owner, name: cluster.name,
            folder: "media/clusters/\(cluster.slug)/", state: cluster.state.rawValue,
            merged_into: cluster.mergedInto?.uuidString.lowercased(), cohesion: cluster.cohesion,
            member_count: cluster.memberCount, exemplars: cluster.exemplars.map { member($0, storage: nil) },
            created_at: cluster.createdAt, updated_at: cluster.updatedAt, tags: tags, members: members,
            members_next: next)
    }
}
