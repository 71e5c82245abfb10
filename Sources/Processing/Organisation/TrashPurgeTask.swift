import Catalog
import Foundation
import Jobs
import Organise
import Storage

/// Empties the trash of media trashed longer ago than the retention, periodically. What is purged
/// cannot be restored: its vectors, tags and hashes go, and its files unless another asset uses
/// them. The asset row stays, `purged`, so its lineage still has a subject.
public struct TrashPurgeTask: TaskHandler {
    public static let kind = "trash.purge"

    let catalog: CatalogDatabase
    let store: any BlobStore
    let settings: OrganiseSettings

    public init(catalog: CatalogDatabase, store: any BlobStore, settings: OrganiseSettings) {
        self.catalog = catalog
        self.store = store
        self.settings = settings
    }

    public var kind: String { Self.kind }
    public var schedule: PeriodicSchedule? { PeriodicSchedule(key: Self.kind, every: settings.purgeInterval) }

    public func run(key: String, payload: JSONValue) async throws -> JSONValue {
        let retention = settings.trashRetention.components
        let cutoff = Date().addingTimeInterval(-(Double(retention.seconds) + Double(retention.attoseconds) / 1e18))
        let store = store
        var purged = 0
        while true {
            let batch = try await catalog.trash.purge(trashedBefore: cutoff, limit: 100, actor: "task:\(kind)") {
                files in
                // A key already gone was removed by a purge a crash cut short.
                for key in files.flatMap(\.keys).compactMap(BlobKey.init) where try await store.size(of: key) != nil {
                    try await store.delete(key)
                }
            }
            if batch.isEmpty { break }
            purged += batch.count
        }
        return ["purged": .number(Double(purged))]
    }
}
