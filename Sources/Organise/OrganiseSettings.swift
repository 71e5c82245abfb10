/// How media are organised: the environment's knobs, read once at start-up.
public struct OrganiseSettings: Sendable, Equatable {
    /// Cosine similarity a vector needs to a cluster's centroid to be proposed for it, and between
    /// neighbours in the density pass (`CLUSTER_THRESHOLD`).
    public var clusterThreshold = 0.8
    /// The fewest media a new cluster is proposed with (`CLUSTER_MIN_MEMBERS`).
    public var clusterMinimumMembers = 3
    /// `DUPLICATE_HASH_DISTANCE`, `DUPLICATE_SIMILARITY`.
    public var duplicates = DuplicateRules()
    /// CLIP neighbours read from the HNSW index for each new asset.
    public var nearestNeighbours = 20
    /// The owner's organise pass runs this long after the last new asset (`ORGANISE_DELAY_MS`):
    /// a burst of uploads is organised once.
    public var passDelay: Duration = .seconds(30)
    /// Moves per transaction when files move between folders (`PLACEMENT_BATCH`): each batch is
    /// one group `syncfs` and one commit.
    public var placementBatch = 64
    /// `TRASH_RETENTION_DAYS`.
    public var trashRetention: Duration = .seconds(30 * 86_400)
    /// How often the trash is purged (`TRASH_PURGE_INTERVAL_SECONDS`).
    public var purgeInterval: Duration = .seconds(3_600)

    public init() {}
}
