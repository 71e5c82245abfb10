import Catalog
import Foundation
import Storage

/// Re-hashes every asset's stored bytes and reports each one that is missing or changed
/// (`afa audit verify --blobs`). The lineage audit proves the history was not rewritten; this
/// proves the bytes it describes are still the ones accepted.
public struct BlobAudit: Sendable {
    public struct Finding: Sendable, Equatable {
        public let assetID: UUID
        public let storageKey: String
        public let problem: String
    }

    public struct Report: Sendable {
        public var checked = 0
        public var bytes: Int64 = 0
        public var findings: [Finding] = []
        public var intact: Bool { findings.isEmpty }
    }

    let catalog: CatalogDatabase
    let store: any BlobStore

    public init(catalog: CatalogDatabase, store: any BlobStore) {
        self.catalog = catalog
        self.store = store
    }

    public func run(progress: @Sendable (Int) -> Void = { _ in }) async throws -> Report {
        var report = Report()
        var cursor: AssetCursor?
        while true {
            let page = try await catalog.assets.list(
                owner: nil, kind: nil, after: cursor, limit: 200, includingTrash: true)
            for asset in page {
                if let problem = await check(asset) {
                    report.findings.append(Finding(assetID: asset.id, storageKey: asset.storageKey, problem: problem))
                }
                report.checked += 1
                report.bytes += asset.size
                progress(report.checked)
            }
            guard page.count == 200, let last = page.last else { return report }
            cursor = AssetCursor(createdAt: last.createdAt, id: last.id)
        }
    }

    private func check(_ asset: AssetRecord) async -> String? {
        guard let key = BlobKey(asset.storageKey) else { return "the storage key is not valid" }
        do {
            guard let size = try await store.size(of: key) else { return "the blob is missing" }
            guard size == asset.size else { return "the blob has \(size) bytes, \(asset.size) were stored" }
            for try await _ in try await store.readVerified(key, sha256: asset.sha256) {}
            return nil
        } catch let error as BlobStoreError {
            return error.description
        } catch {
            return "could not be read: \(error)"
        }
    }
}
