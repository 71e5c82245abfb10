import Catalog
import Foundation
import Jobs
import Logging
import Metrics
import Storage

/// Removes, periodically, the blobs no catalog row names: bytes are made durable before the row
/// that names them commits, so a crash in between (or a transaction that then fails) leaves a
/// blob behind, as does a rendition a newer version of its stage replaced. Only blobs older than
/// the grace period go: a younger one may be an upload whose row is about to commit. Each removal
/// is recorded on the chain `task:orphan.sweep`. It also removes the staging files of processes
/// that have ended, which start-up does too.
public struct OrphanSweepTask: TaskHandler {
    public static let kind = BlobReferences.sweepKey
    /// The folders whose every blob the catalog keeps a key for: originals and renditions, and
    /// the folder view. Anything else in the store was not put there by the catalog's writers,
    /// so its absence from the catalog proves nothing.
    static let prefixes = ["media/", "raw/"]

    let catalog: CatalogDatabase
    let store: any BlobStore
    let settings: OrphanSweepSettings
    let logger: Logger

    public init(catalog: CatalogDatabase, store: any BlobStore, settings: OrphanSweepSettings, logger: Logger) {
        self.catalog = catalog
        self.store = store
        self.settings = settings
        self.logger = logger
    }

    public var kind: String { Self.kind }
    public var schedule: PeriodicSchedule? { PeriodicSchedule(key: Self.kind, every: settings.interval) }

    public func run(key: String, payload: JSONValue) async throws -> JSONValue {
        let started = Date()
        let cutoff = started.addingTimeInterval(-settings.grace.timeInterval)
        var listed = 0
        var removed: [BlobReferences.Candidate] = []
        for prefix in Self.prefixes {
            for try await page in store.list(prefix: prefix) {
                listed += page.count
                let old = page.filter { $0.modified < cutoff }.map {
                    BlobReferences.Candidate(key: $0.key.rawValue, size: $0.size, modified: $0.modified)
                }
                removed += try await catalog.blobReferences.removeUnreferenced(old, actor: "task:\(kind)") {
                    [store, logger] orphans in
                    await Self.delete(orphans, from: store, before: cutoff, logger: logger)
                }
            }
        }
        let bytes = removed.reduce(0) { $0 + $1.size }
        let staging = try await store.sweepStaging(
            before: started.addingTimeInterval(-settings.stagingGrace.timeInterval))
        Counter(label: "afa_orphan_blobs_removed_total").increment(by: removed.count)
        Counter(label: "afa_orphan_bytes_removed_total").increment(by: Int(bytes))
        logger.info(
            "orphan sweep done",
            metadata: [
                "listed": "\(listed)", "removed": "\(removed.count)", "removed_bytes": "\(bytes)",
                "staging_files_removed": "\(staging)",
            ])
        return [
            "listed": .number(Double(listed)), "removed": .number(Double(removed.count)),
            "removed_bytes": .number(Double(bytes)), "staging_files_removed": .number(Double(staging)),
            "modified_before": .string(cutoff.formatted(.iso8601)),
        ]
    }

    /// Each blob that is still as old as when it was listed; one that cannot be deleted stays
    /// for the next sweep, and the others still go.
    static func delete(
        _ orphans: [BlobReferences.Candidate], from store: any BlobStore, before cutoff: Date, logger: Logger
    ) async -> [BlobReferences.Candidate] {
        var deleted: [BlobReferences.Candidate] = []
        for orphan in orphans {
            guard let key = BlobKey(orphan.key) else { continue }
            do {
                if try await store.delete(key, ifModifiedBefore: cutoff) { deleted.append(orphan) }
            } catch {
                logger.warning("could not remove an orphan blob", metadata: ["key": "\(key)", "error": "\(error)"])
            }
        }
        return deleted
    }
}

extension Duration {
    fileprivate var timeInterval: TimeInterval { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
