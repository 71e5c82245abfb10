import Catalog
import Foundation
import Jobs
import Organise

/// An image's or video's place among the owner's media: its file goes to the unsorted folder, its
/// duplicates are found through the indexes (equal pixels, perceptual-hash bands, CLIP
/// neighbours) and recorded as pairs with their evidence, and the owner's organise pass is due
/// (debounced: a burst of uploads is grouped and clustered once).
public struct OrganiseStage: ProcessingStage {
    public let name = "organise"
    public let requires = ["media", "embed"]

    let catalog: CatalogDatabase
    let model: EmbeddingModel
    let settings: OrganiseSettings

    public init(catalog: CatalogDatabase, model: EmbeddingModel, settings: OrganiseSettings) {
        self.catalog = catalog
        self.model = model
        self.settings = settings
    }

    /// The rules are part of the version: changing them finds every asset's pairs again.
    public var version: String {
        let rules = settings.duplicates
        return "1;d\(rules.nearExactDistance);s\(rules.similarCosine);m\(model.missingReason == nil ? model.id : "-")"
    }

    public var kinds: Set<Catalog.AssetKind> { VisualKinds.kinds }

    public func skipReason(for kind: Catalog.AssetKind) -> String? {
        kinds.contains(kind) ? nil : VisualKinds.otherKindsReason
    }

    public func process(_ asset: AssetRecord) async throws -> StageOutput {
        let placed = try await placeIfNew(asset)
        let modelID = model.missingReason == nil ? model.id : nil
        let candidates = try await catalog.duplicates.candidates(
            of: asset.id, owner: asset.owner, hashDistance: settings.duplicates.nearExactDistance, model: modelID,
            nearest: settings.nearestNeighbours)
        let facts = try await catalog.duplicates.facts([asset.id] + candidates.map(\.id))
        var pairs: [(other: UUID, evidence: DuplicateEvidence)] = []
        if let mine = facts.first(where: { $0.id == asset.id }) {
            let cosines = Dictionary(candidates.map { ($0.id, $0.cosine) }) { a, _ in a }
            for other in facts where other.id != asset.id {
                if let evidence = settings.duplicates.judge(mine, other, cosine: cosines[other.id] ?? nil) {
                    pairs.append((other.id, evidence))
                }
            }
        }
        try await catalog.duplicates.replacePairs(of: asset.id, owner: asset.owner, with: pairs)
        try await catalog.jobs.enqueue(
            OrganisePassTask.request(owner: asset.owner, delay: settings.passDelay), actor: "stage:\(name)")
        var tiers: [String: Int] = [:]
        for pair in pairs { tiers[pair.evidence.tier.rawValue, default: 0] += 1 }
        return StageOutput(
            detail: [
                "candidates": .number(Double(candidates.count)),
                "duplicates": .object(tiers.mapValues { .number(Double($0)) }),
                "placed": placed.map(JSONValue.string) ?? .null,
            ])
    }

    /// The first placement of a new asset: the unsorted folder, unless it is placed or moving already.
    private func placeIfNew(_ asset: AssetRecord) async throws -> String? {
        guard try await catalog.placementMoves.needsFirstPlacement(asset.id) else { return nil }
        let target = FolderLayout.unsorted(asset.id, mediaType: asset.mediaType)
        try await catalog.placementMoves.request(
            [.init(assetID: asset.id, target: target)], owner: asset.owner, reason: "new media", actor: "stage:\(name)")
        return target
    }
}
