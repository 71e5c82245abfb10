import Catalog
import Jobs

/// Zero-shot tags from the asset's embedding (a still's, or a video's pooled one) against the
/// vocabulary, each with its score and the model that gave it.
public struct TagStage: ProcessingStage {
    public let name = "tags"
    public let requires = ["embed"]
    public let workClass = WorkClass.compute

    let catalog: CatalogDatabase
    let model: EmbeddingModel
    let tagger: ZeroShotTagger
    let terms: TermEmbeddings

    public init(catalog: CatalogDatabase, model: EmbeddingModel, tagger: ZeroShotTagger) {
        self.catalog = catalog
        self.model = model
        self.tagger = tagger
        self.terms = TermEmbeddings(catalog: catalog, model: model)
    }

    public var version: String { model.isReady ? "\(model.version)#\(TermEmbeddings.promptsVersion)" : "none" }

    public var kinds: Set<Catalog.AssetKind> { VisualKinds.kinds }

    public func skipReason(for kind: Catalog.AssetKind) -> String? {
        guard kinds.contains(kind) else { return VisualKinds.otherKindsReason }
        return model.missingReason
    }

    public func process(_ asset: AssetRecord) async throws -> StageOutput {
        guard let image = try await catalog.embeddings.vector(of: asset.id, model: model.id) else {
            throw UnprocessableContent("the asset has no embedding by \(model.id) to tag from")
        }
        let vocabulary = try await terms.current()
        let result = tagger.tag(image, terms: vocabulary)
        return StageOutput(
            detail: [
                "model": .string(model.id), "terms": .number(Double(vocabulary.count)),
                "cut": .number(Double(result.cut)), "mean": .number(Double(result.mean)),
                "deviation": .number(Double(result.deviation)),
                "tags": .array(result.tags.map { ["tag": .string($0.term), "score": .number(Double($0.score))] }),
            ],
            tags: result.tags.map { StageTag($0.term, score: $0.score) })
    }
}
