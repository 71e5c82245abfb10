import Jobs
import Storage

extension Pipeline {
    /// The stages every asset goes through, in order. Later stages (thumbnails, embeddings,
    /// schema inference) are added to this list.
    public static func standard(store: any BlobStore, maximumJSONBytes: Int) -> Pipeline {
        Pipeline(stages: [VerifyStage(store: store, maximumJSONBytes: maximumJSONBytes)])
    }
}
