import Catalog
import Crypto
import Foundation
import Jobs
import Organise

/// An owner's organise pass, a keyed task that runs a moment after the last new media (one waits
/// per owner, so a burst of uploads makes one pass). It turns the recorded duplicate pairs into
/// groups, proposes unsorted media for the approved clusters they fit, and looks for new clusters
/// among the rest. Proposals are kept in step with what the pass finds: the same proposal keeps
/// its id, one no longer found is superseded, one an admin rejected does not come back unchanged.
public struct OrganisePassTask: TaskHandler {
    public static let kind = "organise.pass"

    let catalog: CatalogDatabase
    let compute: ComputePool
    let model: EmbeddingModel
    let settings: OrganiseSettings

    public init(catalog: CatalogDatabase, compute: ComputePool, model: EmbeddingModel, settings: OrganiseSettings) {
        self.catalog = catalog
        self.compute = compute
        self.model = model
        self.settings = settings
    }

    public var kind: String { Self.kind }

    public static func request(owner: String, delay: Duration) -> TaskRequest {
        TaskRequest(kind: kind, key: "organise:\(owner)", payload: ["owner": .string(owner)], timing: .debounced(delay))
    }

    public func run(key: String, payload: JSONValue) async throws -> JSONValue {
        guard case .string(let owner)? = payload.objectValue?["owner"] else {
            throw UnprocessableContent("an organise pass names no owner")
        }
        let actor = "task:\(kind)"
        var detail: [String: JSONValue] = [:]
        let duplicates = try await duplicateProposals(owner: owner)
        detail["duplicates"] = Self.describe(
            try await catalog.mediaProposals.sync(owner: owner, kind: .duplicate, desired: duplicates, actor: actor))
        if model.missingReason == nil {
            let (assignments, clusters) = try await clusterProposals(owner: owner)
            detail["assignments"] = Self.describe(
                try await catalog.mediaProposals.sync(
                    owner: owner, kind: .assignment, desired: assignments, actor: actor))
            detail["clusters"] = Self.describe(
                try await catalog.mediaProposals.sync(owner: owner, kind: .cluster, desired: clusters, actor: actor))
        } else {
            detail["clusters"] = .string("not clustered: \(model.missingReason!)")
        }
        return .object(detail)
    }

    // MARK: Duplicates

    private func duplicateProposals(owner: String) async throws -> [NewMediaProposal] {
        let pairs = try await catalog.duplicates.pairs(owner: owner)
        let groups = DuplicateGroups.group(pairs.map { .init($0.a, $0.b, tier: $0.evidence.tier) })
        let facts = Dictionary(
            try await catalog.duplicates.facts(groups.flatMap(\.members)).map { ($0.id, $0) }
        ) { a, _ in a }
        // Each pair under its group, in one pass over the pairs.
        var groupOf: [UUID: Int] = [:]
        for (index, group) in groups.enumerated() { for member in group.members { groupOf[member] = index } }
        var evidenceOf = [[DuplicateProposal.Pair]](repeating: [], count: groups.count)
        for pair in pairs {
            if let index = groupOf[pair.a] {
                evidenceOf[index].append(DuplicateProposal.Pair(a: pair.a, b: pair.b, evidence: pair.evidence))
            }
        }
        return try groups.enumerated().compactMap { index, group in
            let ranked = KeeperChoice.ranked(group.members.compactMap { facts[$0] })
            guard let keeper = ranked.first, ranked.count == group.members.count else { return nil }
            let evidence = evidenceOf[index]
            let reason = KeeperChoice.reason(keeper: keeper, over: ranked.dropFirst().first)
            let proposal = DuplicateProposal(
                tier: group.tier, members: group.members, keeper: keeper.id, keeperReason: reason, pairs: evidence)
            let tierWords = group.tier.rawValue.replacingOccurrences(of: "_", with: "-")
            return NewMediaProposal(
                kind: .duplicate, digest: Self.digest("duplicate", group.members),
                summary: "\(group.members.count) \(tierWords) duplicates; keep \(Self.short(keeper.id)): \(reason)",
                payload: try Self.json(proposal), clusterID: nil)
        }
    }

    // MARK: Clusters

    private func clusterProposals(
        owner: String
    ) async throws -> (
        assignments: [NewMediaProposal], clusters: [NewMediaProposal]
    ) {
        let centres = try await catalog.clusters.centres(owner: owner, model: model.id)
        let texts = try await catalog.clusters.unsortedVectors(owner: owner, model: model.id)
        // Parsing 100,000 vectors' text is CPU work: the compute pool's.
        let pool = try await compute.run { texts.map { (id: $0.id, vector: VectorText.values($0.text)) } }
        guard let dimensions = pool.first?.vector.count else { return ([], []) }
        let usable = centres.filter { $0.centroid.count == dimensions }
        let ids = pool.filter { $0.vector.count == dimensions }.map(\.id)
        let vectors = pool.filter { $0.vector.count == dimensions }.map(\.vector)
        let settings = settings
        let threshold = Float(settings.clusterThreshold)
        let (matches, result, summaries) = try await compute.run {
            let unit = UnitVectors(vectors, dimensions: dimensions)
            let matches = ClusterAssignment.nearest(
                unit, centroids: UnitVectors(usable.map(\.centroid), dimensions: dimensions), threshold: threshold,
                excluded: { row, cluster in usable[cluster].excluded.contains(ids[row]) })
            let assigned = Set(matches.map(\.row))
            let rest = (0..<unit.count).filter { !assigned.contains($0) }
            var restVectors = UnitVectors(dimensions: dimensions)
            for row in rest { restVectors.append(Array(unit[row])) }
            let clustering = DensityClustering(threshold: threshold, minimumMembers: settings.clusterMinimumMembers)
            let found = clustering.cluster(restVectors)
            let groups = found.groups.map { $0.map { rest[$0] } }
            // Exemplars as rows of the whole pool, like the groups.
            let summaries = found.groups.map { group in
                let summary = ClusterSummary(members: group, of: restVectors)
                return (cohesion: summary.cohesion, exemplars: summary.exemplars.map { rest[$0] })
            }
            return (matches, groups, summaries)
        }

        var byCluster: [Int: [ClusterAssignment.Match]] = [:]
        for match in matches { byCluster[match.cluster, default: []].append(match) }
        let assignments = try byCluster.keys.sorted().map { index in
            let centre = usable[index]
            let members = byCluster[index]!.map {
                AssignmentProposal.Member(id: ids[$0.row], similarity: Double($0.similarity))
            }
            .sorted { $0.id.uuidString < $1.id.uuidString }
            let proposal = AssignmentProposal(cluster: centre.id, clusterName: centre.name, members: members)
            return NewMediaProposal(
                kind: .assignment, digest: Self.digest("assignment:\(centre.id)", members.map(\.id)),
                summary: "\(members.count) unsorted media fit \"\(centre.name)\"", payload: try Self.json(proposal),
                clusterID: centre.id)
        }

        let naming = try await catalog.clusters.namingFacts(result.flatMap { $0.map { ids[$0] } })
        let clusters = try zip(result, summaries).map { rows, summary in
            let members = rows.map { ids[$0] }.sorted { $0.uuidString < $1.uuidString }
            let facts = members.compactMap { naming[$0] }
            let name = ClusterName.propose(tags: facts.map { Array($0.tags.prefix(3)) }, months: facts.map(\.month))
            var counts: [String: Int] = [:]
            for fact in facts { for tag in Set(fact.tags.prefix(3)) { counts[tag, default: 0] += 1 } }
            let tags = counts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.prefix(5).map(
                \.key)
            let proposal = ClusterProposal(
                name: name, members: members, exemplars: summary.exemplars.map { ids[$0] },
                cohesion: (summary.cohesion * 1000).rounded() / 1000, tags: tags)
            return NewMediaProposal(
                kind: .cluster, digest: Self.digest("cluster", members),
                summary: "new cluster \"\(name)\": \(members.count) media, cohesion \(proposal.cohesion)",
                payload: try Self.json(proposal), clusterID: nil)
        }
        return (assignments, clusters)
    }

    // MARK: Helpers

    static func digest(_ prefix: String, _ members: [UUID]) -> String {
        let text = prefix + ":" + members.map { $0.uuidString.lowercased() }.sorted().joined(separator: ",")
        return SHA256.hash(data: Data(text.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    static func short(_ id: UUID) -> String { String(id.uuidString.lowercased().prefix(8)) }

    static func json(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    static func describe(_ outcome: MediaProposals.Outcome) -> JSONValue {
        [
            "opened": .number(Double(outcome.opened.count)), "kept": .number(Double(outcome.kept.count)),
            "superseded": .number(Double(outcome.superseded.count)), "declined": .number(Double(outcome.declined)),
        ]
    }
}
