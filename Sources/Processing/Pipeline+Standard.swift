import Catalog
import Jobs
import Storage

extension Pipeline {
    /// The stage graph every asset goes through: `verify` is the root; later stages (thumbnails,
    /// embeddings, schema inference) name what they require and join the list. CPU-heavy work
    /// runs on `compute`.
    public static func standard(
        store: any BlobStore, catalog: CatalogDatabase, compute: ComputePool, maximumJSONBytes: Int,
        media: MediaSettings, model: EmbeddingModel, tagger: ZeroShotTagger
    ) -> Pipeline {
        Pipeline(stages: [
            VerifyStage(store: store, compute: compute, maximumJSONBytes: maximumJSONBytes),
            MediaStage(store: store, compute: compute, settings: media),
            EmbedStage(store: store, catalog: catalog, model: model),
            TagStage(catalog: catalog, model: model, tagger: tagger),
        ])
    }
}
