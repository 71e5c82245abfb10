import Foundation
import Organise
import PostgresNIO

extension OrganisationDecisions {
    /// Creates the proposed cluster (under `name` when the admin gave one), moves its members to
    /// its folder, and remembers that `excluded` media do not belong to it.
    public func approveCluster(
        _ proposalID: UUID, name edited: String?, excluded: Set<UUID>, actor: String
    ) async throws -> JSONValue {
        try await decision { connection in
            let proposal = try await Self.lockProposal(proposalID, kind: .cluster, on: connection, logger: logger)
            let payload = try Self.decodePayload(ClusterProposal.self, proposal.payload)
            guard excluded.isSubset(of: payload.members) else {
                throw Refusal.invalid("excluded media must be members of the proposal")
            }
            let name = try Self.validName(edited ?? payload.name)
            let locked = try await Self.lockMembers(payload.members, on: connection, logger: logger)
            let members = payload.members.filter { !excluded.contains($0) }.compactMap { locked[$0] }
                .filter { $0.clusterID == nil && !$0.trashed && !$0.purged }
            guard members.count >= 2 else {
                throw Refusal.outdated("fewer than two of its media are still unsorted; the next pass proposes anew")
            }
            let clusterID = UUID.timeOrdered()
            let slug = try await Self.uniqueSlug(for: name, on: connection, logger: logger)
            let exemplars = payload.exemplars.filter { id in members.contains { $0.id == id } }
            try await connection.query(
                """
                INSERT INTO clusters (id, owner, name, slug, state, cohesion, exemplars)
                VALUES (\(clusterID), \(proposal.owner), \(name), \(slug), 'active', \(payload.cohesion), \(exemplars))
                """, logger: logger)
            try await Self.assign(
                members, to: clusterID, slug: slug, reason: "cluster approved", owner: proposal.owner,
                actor: actor, on: connection, logger: logger)
            try await Self.exclude(Array(excluded), from: clusterID, actor: actor, on: connection, logger: logger)
            let result: JSONValue = [
                "cluster": .id(clusterID), "name": .string(name), "slug": .string(slug),
                "members": .number(Double(members.count)), "excluded": .ids(Array(excluded)),
            ]
            try await Self.appendToCluster(
                clusterID, action: "cluster.created", detail: ["proposal": .id(proposalID), "result": result],
                actor: actor, on: connection, logger: logger)
            try await Self.decide(
                proposalID, approved: true, result: result, actor: actor, on: connection, logger: logger)
            return result
        }
    }

    /// Puts unsorted media into the approved cluster the proposal names.
    public func approveAssignment(_ proposalID: UUID, excluded: Set<UUID>, actor: String) async throws -> JSONValue {
        try await decision { connection in
            let proposal = try await Self.lockProposal(proposalID, kind: .assignment, on: connection, logger: logger)
            let payload = try Self.decodePayload(AssignmentProposal.self, proposal.payload)
            let ids = payload.members.map(\.id)
            guard excluded.isSubset(of: ids) else {
                throw Refusal.invalid("excluded media must be members of the proposal")
            }
            let cluster = try await Self.lockCluster(payload.cluster, on: connection, logger: logger)
            let locked = try await Self.lockMembers(ids, on: connection, logger: logger)
            let members = ids.filter { !excluded.contains($0) }.compactMap { locked[$0] }
                .filter { $0.clusterID == nil && !$0.trashed && !$0.purged }
            try await Self.assign(
                members, to: cluster.id, slug: cluster.slug, reason: "assignment approved",
                owner: proposal.owner, actor: actor, on: connection, logger: logger)
            try await Self.exclude(Array(excluded), from: cluster.id, actor: actor, on: connection, logger: logger)
            let result: JSONValue = [
                "cluster": .id(cluster.id), "members": .number(Double(members.count)),
                "excluded": .ids(Array(excluded)),
            ]
            try await Self.appendToCluster(
                cluster.id, action: "cluster.assigned", detail: ["proposal": .id(proposalID), "result": result],
                actor: actor, on: connection, logger: logger)
            try await Self.decide(
                proposalID, approved: true, result: result, actor: actor, on: connection, logger: logger)
            return result
        }
    }

    /// Rejects a cluster or assignment proposal. The same cluster is not proposed again; the media
    /// of a rejected assignment are never proposed for that cluster again.
    public func rejectMediaProposal(_ proposalID: UUID, kind: ProposalKind, actor: String) async throws {
        precondition(kind == .cluster || kind == .assignment, "duplicates are dismissed, not rejected")
        try await decision { connection in
            let proposal = try await Self.lockProposal(proposalID, kind: kind, on: connection, logger: logger)
            if kind == .assignment {
                let payload = try Self.decodePayload(AssignmentProposal.self, proposal.payload)
                try await Self.exclude(
                    payload.members.map(\.id), from: payload.cluster, actor: actor, on: connection, logger: logger)
            }
            try await Self.decide(
                proposalID, approved: false, result: [:], actor: actor, on: connection, logger: logger)
        }
    }

    /// Renames a cluster; its folder follows the name, and every member moves with it.
    public func rename(_ clusterID: UUID, to name: String, actor: String) async throws {
        let name = try Self.validName(name)
        try await decision { connection in
            let cluster = try await Self.lockCluster(clusterID, on: connection, logger: logger)
            let slug =
                ClusterName.slug(name) == cluster.slug
                ? cluster.slug : try await Self.uniqueSlug(for: name, on: connection, logger: logger)
            try await connection.query(
                "UPDATE clusters SET name = \(name), slug = \(slug), updated_at = now() WHERE id = \(clusterID)",
                logger: logger)
            if slug != cluster.slug {
                let members = try await Self.liveMembers(of: clusterID, on: connection, logger: logger)
                try await PlacementMoves.request(
                    Self.moves(to: slug, members), owner: cluster.owner, reason: "cluster renamed", actor: actor,
                    on: connection, logger: logger)
            }
            try await Self.appendToCluster(
                clusterID, action: "cluster.renamed",
                detail: ["from": .string(cluster.name), "to": .string(name), "slug": .string(slug)], actor: actor,
                on: connection, logger: logger)
        }
    }

    /// Moves every member of `source` into `target`; `source` stays, merged, for its history.
    public func merge(_ sourceID: UUID, into targetID: UUID, actor: String) async throws {
        guard sourceID != targetID else { throw Refusal.invalid("a cluster cannot be merged into itself") }
        try await decision { connection in
            // Both clusters' rows in id order, as any two decisions about them take them.
            let ordered = [sourceID, targetID].sorted { $0.uuidString < $1.uuidString }
            var locked: [UUID: LockedCluster] = [:]
            for id in ordered { locked[id] = try await Self.lockCluster(id, on: connection, logger: logger) }
            let (source, target) = (locked[sourceID]!, locked[targetID]!)
            guard source.owner == target.owner else { throw Refusal.invalid("the clusters belong to different owners") }
            let members = try await Self.liveMembers(of: sourceID, on: connection, logger: logger)
            _ = try await Self.lockMembers(members.map(\.id), on: connection, logger: logger)
            try await connection.query(
                "UPDATE assets SET cluster_id = \(targetID), updated_at = now() WHERE cluster_id = \(sourceID)",
                logger: logger)
            try await connection.query(
                """
                UPDATE clusters SET state = 'merged', merged_into = \(targetID), updated_at = now() WHERE id = \(sourceID)
                """, logger: logger)
            try await Self.refreshCentroid(targetID, on: connection, logger: logger)
            try await PlacementMoves.request(
                Self.moves(to: target.slug, members), owner: target.owner, reason: "clusters merged", actor: actor,
                on: connection, logger: logger)
            try await Self.appendToAssets(
                members.map(\.id), action: "asset.clustered",
                detail: ["cluster": .id(targetID), "from": .id(sourceID)],
                actor: actor, on: connection, logger: logger)
            try await Self.appendToCluster(
                sourceID, action: "cluster.merged",
                detail: ["into": .id(targetID), "members": .number(Double(members.count))],
                actor: actor, on: connection, logger: logger)
            try await Self.appendToCluster(
                targetID, action: "cluster.absorbed",
                detail: ["from": .id(sourceID), "members": .number(Double(members.count))],
                actor: actor, on: connection, logger: logger)
        }
    }

    /// Moves `memberIDs` out of the cluster into a new one, with its own folder. Returns its id.
    public func split(
        _ clusterID: UUID, members memberIDs: Set<UUID>, name: String?, actor: String
    ) async throws -> UUID {
        try await decision { connection in
            let cluster = try await Self.lockCluster(clusterID, on: connection, logger: logger)
            let all = try await Self.liveMembers(of: clusterID, on: connection, logger: logger)
            let moving = all.filter { memberIDs.contains($0.id) }
            guard !moving.isEmpty, moving.count == memberIDs.count else {
                throw Refusal.invalid("every media to split off must be a member of the cluster")
            }
            guard moving.count < all.count else { throw Refusal.invalid("a split must leave the cluster a member") }
            let newName = try Self.validName(name ?? "\(cluster.name) (split)")
            let newID = UUID.timeOrdered()
            let slug = try await Self.uniqueSlug(for: newName, on: connection, logger: logger)
            try await connection.query(
                """
                INSERT INTO clusters (id, owner, name, slug, state) VALUES (\(newID), \(cluster.owner), \(newName), \(slug), 'active')
                """, logger: logger)
            _ = try await Self.lockMembers(moving.map(\.id), on: connection, logger: logger)
            try await Self.assign(
                moving, to: newID, slug: slug, reason: "cluster split", owner: cluster.owner,
                actor: actor, on: connection, logger: logger)
            try await Self.refreshCentroid(clusterID, on: connection, logger: logger)
            try await Self.appendToCluster(
                clusterID, action: "cluster.split", detail: ["into": .id(newID), "members": .ids(moving.map(\.id))],
                actor: actor, on: connection, logger: logger)
            try await Self.appendToCluster(
                newID, action: "cluster.created",
                detail: ["split_from": .id(clusterID), "name": .string(newName), "slug": .string(slug)], actor: actor,
                on: connection, logger: logger)
            return newID
        }
    }

    /// Takes media out of a cluster, back to the unsorted folder, never to be proposed for it again.
    public func remove(_ memberIDs: Set<UUID>, from clusterID: UUID, actor: String) async throws {
        try await decision { connection in
            let cluster = try await Self.lockCluster(clusterID, on: connection, logger: logger)
            let members = try await Self.lockMembers(Array(memberIDs), on: connection, logger: logger)
            guard memberIDs.allSatisfy({ members[$0]?.clusterID == clusterID }) else {
                throw Refusal.invalid("every media to remove must be a member of the cluster")
            }
            try await connection.query(
                "UPDATE assets SET cluster_id = NULL, updated_at = now() WHERE id = ANY(\(Array(memberIDs))::uuid[])",
                logger: logger)
            try await Self.exclude(Array(memberIDs), from: clusterID, actor: actor, on: connection, logger: logger)
            try await Self.refreshCentroid(clusterID, on: connection, logger: logger)
            let live = members.values.filter { !$0.trashed && !$0.purged }
            try await PlacementMoves.request(
                live.map { .init(assetID: $0.id, target: FolderLayout.unsorted($0.id, mediaType: $0.mediaType)) },
                owner: cluster.owner, reason: "removed from cluster", actor: actor, on: connection, logger: logger)
            try await Self.appendToAssets(
                Array(memberIDs), action: "asset.unclustered", detail: ["cluster": .id(clusterID)], actor: actor,
                on: connection, logger: logger)
            try await Self.appendToCluster(
                clusterID, action: "cluster.members_removed", detail: ["members": .ids(Array(memberIDs))], actor: actor,
                on: connection, logger: logger)
        }
    }

    // MARK: Shared steps

    struct LockedCluster {
        let id: UUID
        let owner: String
        let name: String
        let slug: String
    }

    static func lockCluster(_ id: UUID, on connection: PostgresConnection, logger: Logger) async throws -> LockedCluster
    {
        let rows = try await connection.query(
            "SELECT owner, name, slug, state FROM clusters WHERE id = \(id) FOR UPDATE", logger: logger)
        for try await (owner, name, slug, state) in rows.decode((String, String, String, String).self) {
            guard state == ClusterState.active.rawValue else {
                throw Refusal.outdated("the cluster was merged into another")
            }
            return LockedCluster(id: id, owner: owner, name: name, slug: slug)
        }
        throw Refusal.notFound("cluster")
    }

    static func liveMembers(
        of clusterID: UUID, on connection: PostgresConnection, logger: Logger
    ) async throws
        -> [Member]
    {
        let rows = try await connection.query(
            "SELECT id FROM assets WHERE cluster_id = \(clusterID) AND trashed_at IS NULL AND status <> 'purged'",
            logger: logger)
        var ids: [UUID] = []
        for try await id in rows.decode(UUID.self) { ids.append(id) }
        return try await lockMembers(ids, on: connection, logger: logger).values.sorted {
            $0.id.uuidString < $1.id.uuidString
        }
    }

    static func assign(
        _ members: [Member], to clusterID: UUID, slug: String, reason: String, owner: String, actor: String,
        on connection: PostgresConnection, logger: Logger
    ) async throws {
        try await connection.query(
            """
            UPDATE assets SET cluster_id = \(clusterID), updated_at = now() WHERE id = ANY(\(members.map(\.id))::uuid[])
            """, logger: logger)
        try await refreshCentroid(clusterID, on: connection, logger: logger)
        try await PlacementMoves.request(
            moves(to: slug, members), owner: owner, reason: reason, actor: actor, on: connection, logger: logger)
        try await appendToAssets(
            members.map(\.id), action: "asset.clustered", detail: ["cluster": .id(clusterID)], actor: actor,
            on: connection, logger: logger)
    }

    static func exclude(
        _ ids: [UUID], from clusterID: UUID, actor: String, on connection: PostgresConnection, logger: Logger
    ) async throws {
        guard !ids.isEmpty else { return }
        try await connection.query(
            """
            INSERT INTO cluster_exclusions (cluster_id, asset_id, decided_by)
            SELECT \(clusterID), id, \(actor) FROM unnest(\(ids)::uuid[]) AS x(id)
            ON CONFLICT DO NOTHING
            """, logger: logger)
    }

    /// The normalised mean of the members' vectors, of the model most of them were embedded with.
    static func refreshCentroid(_ clusterID: UUID, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query(
            """
            WITH member_vectors AS (
                SELECT e.model, e.vector FROM embeddings e JOIN assets a ON a.id = e.asset_id
                WHERE a.cluster_id = \(clusterID) AND a.trashed_at IS NULL AND e.segment = 0
            ), dominant AS (
                SELECT model FROM member_vectors GROUP BY model ORDER BY count(*) DESC, model LIMIT 1
            )
            UPDATE clusters SET centroid = (
                SELECT l2_normalize(avg(vector)) FROM member_vectors WHERE model = (SELECT model FROM dominant)
            ), updated_at = now()
            WHERE id = \(clusterID)
            """, logger: logger)
    }

    static func validName(_ name: String) throws -> String {
        let trimmed = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...200).contains(trimmed.count), !trimmed.unicodeScalars.contains(where: { $0.value == 0 }) else {
            throw Refusal.invalid("a cluster's name has 1 to 200 characters")
        }
        return trimmed
    }

    /// The name's slug, with `-2`, `-3`… when an active cluster has it already.
    static func uniqueSlug(for name: String, on connection: PostgresConnection, logger: Logger) async throws -> String {
        let base = ClusterName.slug(name)
        // Two approvals at once must not both take the same free slug.
        try await connection.query("SELECT pg_advisory_xact_lock(hashtextextended('cluster-slugs', 0))", logger: logger)
        let rows = try await connection.query(
            """
            SELECT slug FROM clusters WHERE state = 'active' AND (slug = \(base) OR slug LIKE \(base + "-%"))
            """, logger: logger)
        var taken: Set<String> = []
        for try await slug in rows.decode(String.self) { taken.insert(slug) }
        if !taken.contains(base) { return base }
        var suffix = 2
        while taken.contains("\(base)-\(suffix)") { suffix += 1 }
        return "\(base)-\(suffix)"
    }
}
