/// When blobs no catalog row names, and staging files no running process owns, are removed:
/// read once at start-up.
public struct OrphanSweepSettings: Sendable, Equatable {
    /// A blob no row names is removed only once it is older than this (`ORPHAN_GRACE_SECONDS`, a
    /// day). It must exceed the longest time between writing a blob and committing the row that
    /// names it: the rest of an upload's request, or the rest of a stage's batch (a long video's
    /// frames included). A younger blob may be an upload whose row is about to commit.
    public var grace: Duration = .seconds(86_400)
    /// How often the sweep runs (`ORPHAN_SWEEP_INTERVAL_SECONDS`).
    public var interval: Duration = .seconds(3_600)
    /// Staging files of processes that have ended are removed once this old
    /// (`STAGING_GRACE_SECONDS`), at start-up and by each sweep; a running process's never are.
    public var stagingGrace: Duration = .seconds(3_600)

    public init() {}
}
