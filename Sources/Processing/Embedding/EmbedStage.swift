import CLIP
import Catalog
import Imaging
import Jobs
import Storage

/// CLIP image embeddings: one vector per still, one per video segment and a pooled one for the
/// whole video (segment 0). It reads the CLIP input the media stage kept, so a new model
/// re-embeds everything without decoding a single original again. Without a model the stage is
/// skipped with the reason, and fills in once a model is installed (its version changes).
public struct EmbedStage: ProcessingStage {
    public let name = "embed"
    public let requires = ["media"]
    public let workClass = WorkClass.compute

    let store: any BlobStore
    let catalog: CatalogDatabase
    let model: EmbeddingModel
    let indexes: VectorIndexes

    public init(store: any BlobStore, catalog: CatalogDatabase, model: EmbeddingModel) {
        self.store = store
        self.catalog = catalog
        self.model = model
        self.indexes = VectorIndexes(catalog: catalog)
    }

    public var version: String { model.version }

    public var kinds: Set<Catalog.AssetKind> { VisualKinds.kinds }

    public func skipReason(for kind: Catalog.AssetKind) -> String? {
        guard kinds.contains(kind) else { return VisualKinds.otherKindsReason }
        return model.missingReason
    }

    public func process(_ asset: AssetRecord) async throws -> StageOutput {
        let inputs = try await SemanticInputs.read(asset, store: store, catalog: catalog, compute: model.compute)
        let images = inputs.map(\.image)
        let embeddings = try await model.imageEmbeddings(images)
        var vectors = zip(inputs, embeddings).map { input, values in
            StageVector(
                model: model.id, segment: input.segment, startSeconds: input.start, endSeconds: input.end,
                values: values)
        }
        if asset.kind == .video, !embeddings.isEmpty {
            vectors.append(
                StageVector(
                    model: model.id, segment: 0, startSeconds: inputs.first?.start, endSeconds: inputs.last?.end,
                    values: Self.pooled(embeddings)))
        }
        if let dimensions = embeddings.first?.count { try await indexes.ensure(dimensions: dimensions) }
        return StageOutput(
            detail: [
                "model": .string(model.id), "precision": .string(model.precision.rawValue),
                "dimensions": .number(Double(embeddings.first?.count ?? 0)), "vectors": .number(Double(vectors.count)),
            ],
            vectors: vectors)
    }

    /// The mean of the segments' unit vectors, normalised: the video as a whole.
    static func pooled(_ embeddings: [[Float]]) -> [Float] {
        var sum = [Float](repeating: 0, count: embeddings[0].count)
        for embedding in embeddings { for index in sum.indices { sum[index] += embedding[index] } }
        return CLIPModel.normalized(sum)
    }
}
