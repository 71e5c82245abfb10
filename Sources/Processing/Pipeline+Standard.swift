import Catalog
import Jobs
import Organise
import Storage

extension Pipeline {
    /// The stage graph every asset goes through: `verify` is the root; later stages (thumbnails,
    /// embeddings, schema inference) name what they require and join the list. CPU-heavy work
    /// runs on `compute`.
    public static func standard(
        store: any BlobStore, catalog: CatalogDatabase, compute: ComputePool, maximumJSONBytes: Int,
        media: MediaSettings, model: EmbeddingModel, tagger: ZeroShotTagger, organise: OrganiseSettings
    ) -> Pipeline {
        Pipeline(
            stages: [
                VerifyStage(store: store, compute: compute, maximumJSONBytes: maximumJSONBytes),
                MediaStage(store: store, compute: compute, settings: media),
                EmbedStage(store: store, catalog: catalog, model: model),
                TagStage(catalog: catalog, model: model, tagger: tagger),
                OrganiseStage(catalog: catalog, model: model, settings: organise),
            ],
            tasks: [OrganisePassTask(catalog: catalog, compute: compute, model: model, settings: organise)]
                + organisationTasks(store: store, catalog: catalog, organise: organise))
    }

    /// What every pipeline runs, whatever its stages: the moves admins' decisions record, and the
    /// trash purge.
    public static func organisationTasks(
        store: any BlobStore, catalog: CatalogDatabase, organise: OrganiseSettings
    ) -> [any TaskHandler] {
        [
            PlacementTask(catalog: catalog, store: store, batch: organise.placementBatch),
            TrashPurgeTask(catalog: catalog, store: store, settings: organise),
        ]
    }
}
