import Foundation
import Organise
import PostgresNIO

extension OrganisationDecisions {
    /// Resolves a duplicate group: `keeper` (the suggested one when nil) stays and takes over the
    /// others' tags, comments, capture time and cluster; the others go to the trash, recoverable
    /// until the purge. `excluded` members are not duplicates of the rest: that is remembered per
    /// pair, and they are left alone.
    public func resolveDuplicates(
        _ proposalID: UUID, keeper chosen: UUID?, excluded: Set<UUID>, actor: String
    ) async throws -> JSONValue {
        try await decision { connection in
            let proposal = try await Self.lockProposal(proposalID, kind: .duplicate, on: connection, logger: logger)
            let payload = try Self.decodePayload(DuplicateProposal.self, proposal.payload)
            guard excluded.isSubset(of: payload.members) else {
                throw Refusal.invalid("excluded media must be members of the group")
            }
            let remaining = payload.members.filter { !excluded.contains($0) }
            let keeperID = chosen ?? payload.keeper
            guard remaining.contains(keeperID) else {
                throw Refusal.invalid("the keeper must be a member of the group that is not excluded")
            }
            guard remaining.count >= 2 else {
                throw Refusal.invalid("fewer than two members would remain: reject the group instead")
            }
            let members = try await Self.lockMembers(payload.members, on: connection, logger: logger)
            guard payload.members.allSatisfy({ members[$0].map { !$0.trashed && !$0.purged } ?? false }) else {
                throw Refusal.outdated("a member of the group is already in the trash; the next pass proposes it anew")
            }
            try await Self.rememberNotDuplicates(
                excluded.sorted { $0.uuidString < $1.uuidString }.flatMap { one in remaining.map { (one, $0) } },
                actor: actor, on: connection, logger: logger)
            let keeper = members[keeperID]!
            let others = remaining.filter { $0 != keeperID }.map { members[$0]! }
            let carried = try await carry(from: others, to: keeper, actor: actor, on: connection)
            try await connection.query(
                """
                UPDATE assets SET trashed_at = now(), updated_at = now() WHERE id = ANY(\(others.map(\.id))::uuid[])
                """, logger: logger)
            var moves = others.map {
                PlacementMoves.Request(assetID: $0.id, target: FolderLayout.trash($0.id, mediaType: $0.mediaType))
            }
            if let cluster = carried.cluster,
                let slug = try await Self.slug(of: cluster, on: connection, logger: logger)
            {
                moves += Self.moves(to: slug, [keeper])
            }
            try await PlacementMoves.request(
                moves, owner: proposal.owner, reason: "duplicate resolved", actor: actor, on: connection, logger: logger
            )
            let group = JSONValue.id(proposalID)
            try await Self.appendToAssets(
                [keeperID], action: "asset.kept", detail: ["proposal": group, "carried": carried.detail], actor: actor,
                on: connection, logger: logger)
            try await Self.appendToAssets(
                others.map(\.id), action: "asset.trashed", detail: ["proposal": group, "keeper": .id(keeperID)],
                actor: actor, on: connection, logger: logger)
            try await Self.appendToAssets(
                Array(excluded), action: "asset.not_duplicate", detail: ["proposal": group], actor: actor,
                on: connection, logger: logger)
            let result: JSONValue = [
                "keeper": .id(keeperID), "trashed": .ids(others.map(\.id)), "excluded": .ids(Array(excluded)),
                "carried": carried.detail,
            ]
            try await Self.decide(
                proposalID, approved: true, result: result, actor: actor, on: connection, logger: logger)
            return result
        }
    }

    /// "Not a duplicate": every pair of the group is remembered, so none of them is grouped again,
    /// whatever later passes (or a new embedding model) find.
    public func dismissDuplicates(_ proposalID: UUID, actor: String) async throws {
        try await decision { connection in
            let proposal = try await Self.lockProposal(proposalID, kind: .duplicate, on: connection, logger: logger)
            let payload = try Self.decodePayload(DuplicateProposal.self, proposal.payload)
            var pairs: [(UUID, UUID)] = []
            for (index, a) in payload.members.enumerated() {
                for b in payload.members[(index + 1)...] { pairs.append((a, b)) }
            }
            try await Self.rememberNotDuplicates(pairs, actor: actor, on: connection, logger: logger)
            try await Self.appendToAssets(
                payload.members, action: "asset.not_duplicate", detail: ["proposal": .id(proposalID)], actor: actor,
                on: connection, logger: logger)
            try await Self.decide(
                proposalID, approved: false, result: ["pairs_remembered": .number(Double(pairs.count))], actor: actor,
                on: connection, logger: logger)
        }
    }

    static func rememberNotDuplicates(
        _ pairs: [(UUID, UUID)], actor: String, on connection: PostgresConnection, logger: Logger
    ) async throws {
        guard !pairs.isEmpty else { return }
        try await connection.query(
            """
            INSERT INTO not_duplicate_pairs (asset_a, asset_b, decided_by)
            SELECT least(a, b), greatest(a, b), \(actor)
            FROM unnest(\(pairs.map(\.0))::uuid[], \(pairs.map(\.1))::uuid[]) AS x(a, b)
            WHERE a <> b
            ON CONFLICT DO NOTHING
            """, logger: logger)
    }

    /// Takes the others' tags (as source `carried`), comments, capture time (when the keeper has
    /// none) and cluster (when the keeper is in none) over to the keeper.
    private func carry(
        from others: [Member], to keeper: Member, actor: String, on connection: PostgresConnection
    ) async throws -> (detail: JSONValue, cluster: UUID?) {
        let tagRows = try await connection.query(
            """
            WITH carried AS (
                INSERT INTO asset_tags (asset_id, source, tag, score, version)
                SELECT \(keeper.id), 'carried', tag, max(score), ''
                FROM asset_tags WHERE asset_id = ANY(\(others.map(\.id))::uuid[])
                GROUP BY tag
                ON CONFLICT (asset_id, source, tag) DO UPDATE SET score = greatest(asset_tags.score, excluded.score)
                RETURNING tag
            ) SELECT count(*)::int FROM carried
            """, logger: logger)
        var tags = 0
        for try await count in tagRows.decode(Int.self) { tags = count }
        var detail: [String: JSONValue] = ["tags": .number(Double(tags))]

        var comments = keeper.comments.map { [$0] } ?? []
        for comment in others.compactMap(\.comments) where !comments.contains(comment) { comments.append(comment) }
        let joined = comments.isEmpty ? nil : comments.joined(separator: "\n")
        if joined != keeper.comments {
            try await connection.query("UPDATE assets SET comments = \(joined) WHERE id = \(keeper.id)", logger: logger)
            detail["comments"] = .number(Double(comments.count - (keeper.comments == nil ? 0 : 1)))
        }
        if keeper.capturedAt == nil,
            let source = others.filter({ $0.capturedAt != nil }).min(by: { $0.capturedAt! < $1.capturedAt! })
        {
            let carried: JSONValue = ["captured_at": .string(source.capturedAt!), "from": .id(source.id)]
            try await connection.query(
                """
                UPDATE assets SET metadata = metadata || jsonb_build_object('carried', \(carried.jsonText)::jsonb)
                WHERE id = \(keeper.id)
                """, logger: logger)
            detail["captured_at"] = .string(source.capturedAt!)
        }
        var cluster: UUID?
        if keeper.clusterID == nil, let inherited = others.compactMap(\.clusterID).first {
            try await connection.query(
                "UPDATE assets SET cluster_id = \(inherited) WHERE id = \(keeper.id)", logger: logger)
            detail["cluster"] = .id(inherited)
            cluster = inherited
        }
        try await connection.query("UPDATE assets SET updated_at = now() WHERE id = \(keeper.id)", logger: logger)
        return (.object(detail), cluster)
    }

    /// Brings an asset back from the trash, to its cluster's folder or to the unsorted one.
    public func restore(_ assetID: UUID, actor: String) async throws {
        try await decision { connection in
            guard let member = try await Self.lockMembers([assetID], on: connection, logger: logger)[assetID],
                member.trashed
            else { throw Refusal.notFound("asset in the trash") }
            guard !member.purged else { throw Refusal.outdated("the asset was purged from the trash") }
            try await connection.query(
                "UPDATE assets SET trashed_at = NULL, updated_at = now() WHERE id = \(assetID)", logger: logger)
            let slug = try await member.clusterID.asyncFlatMap {
                try await Self.slug(of: $0, on: connection, logger: logger)
            }
            let target =
                slug.map { FolderLayout.cluster($0, assetID, mediaType: member.mediaType) }
                ?? FolderLayout.unsorted(assetID, mediaType: member.mediaType)
            try await PlacementMoves.request(
                [.init(assetID: assetID, target: target)], owner: member.owner, reason: "restored", actor: actor,
                on: connection, logger: logger)
            try await Self.appendToAssets(
                [assetID], action: "asset.restored", detail: ["to": .string(target)], actor: actor, on: connection,
                logger: logger)
        }
    }

    /// The folder of an active cluster (a merged one's is its successor's).
    static func slug(of clusterID: UUID, on connection: PostgresConnection, logger: Logger) async throws -> String? {
        let rows = try await connection.query(
            """
            WITH RECURSIVE chain AS (
                SELECT id, slug, state, merged_into, 0 AS depth FROM clusters WHERE id = \(clusterID)
                UNION ALL
                SELECT c.id, c.slug, c.state, c.merged_into, chain.depth + 1
                FROM clusters c JOIN chain ON c.id = chain.merged_into WHERE chain.depth < 100
            )
            SELECT slug FROM chain WHERE state = 'active' LIMIT 1
            """, logger: logger)
        for try await slug in rows.decode(String.self) { return slug }
        return nil
    }
}
