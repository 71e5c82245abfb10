import Catalog
import Foundation
import Storage

/// `afa migrate-storage`: copies every blob of the store in use (raw uploads, derived files, the
/// folder view) into another, then records in the catalog that the blobs live there now.
///
/// Resumable by construction: a blob already in the target with its size is not copied again,
/// so a run that was interrupted is finished by running it again. Verified: each copy's SHA-256
/// is taken on the way in and checked against the target's bytes read back (and, for a content
/// address, against the address itself) before it counts as copied. Documents kept in the
/// catalog (`inline/`) are not blobs of either store and stay where they are.
public struct StorageMigration: Sendable {
    public struct Report: Sendable, Equatable {
        public var copied = 0
        public var bytesCopied: Int64 = 0
        /// In the target already, with the same size: copied by an earlier, interrupted run.
        public var alreadyThere = 0
        public var seen: Int { copied + alreadyThere }

        public init() {}
    }

    let catalog: CatalogDatabase
    let source: any BlobStore
    let target: any BlobStore
    let sourceLocation: String
    let targetLocation: String
    let concurrency: Int

    public init(
        catalog: CatalogDatabase, source: any BlobStore, sourceLocation: String, target: any BlobStore,
        targetLocation: String, concurrency: Int = 4
    ) {
        self.catalog = catalog
        self.source = source
        self.target = target
        self.sourceLocation = sourceLocation
        self.targetLocation = targetLocation
        self.concurrency = concurrency
    }

    static let lineageSubject = LineageSubject.other(.task, key: "migrate-storage")

    /// What a run would do, without writing anything (`--dry-run`): `copied` counts what would be copied.
    public func plan(progress: @Sendable (Report) -> Void = { _ in }) async throws -> Report {
        var report = Report()
        for try await page in source.list(prefix: "") {
            let missing = try await missingInTarget(page)
            report.alreadyThere += page.count - missing.count
            report.copied += missing.count
            report.bytesCopied += missing.reduce(0) { $0 + $1.size }
            progress(report)
        }
        return report
    }

    /// Copies what is missing, page by page, then switches the catalog's record of where blobs live.
    public func run(actor: String, progress: @Sendable (Report) -> Void = { _ in }) async throws -> Report {
        try await catalog.lineage.append(
            NewLineageEvent(
                actor: actor, action: "storage.migration.started",
                detail: ["from": .string(sourceLocation), "to": .string(targetLocation)]),
            to: Self.lineageSubject)
        var report = Report()
        for try await page in source.list(prefix: "") {
            let missing = try await missingInTarget(page)
            report.alreadyThere += page.count - missing.count
            let copiedBytes = try await boundedConcurrentMap(missing, limit: concurrency) { blob in
                try await copy(blob)
            }
            report.copied += missing.count
            report.bytesCopied += copiedBytes.reduce(0, +)
            progress(report)
        }
        try await catalog.storageLocation.switchTo(targetLocation)
        try await catalog.lineage.append(
            NewLineageEvent(
                actor: actor, action: "storage.migration.finished",
                detail: [
                    "from": .string(sourceLocation), "to": .string(targetLocation),
                    "copied": .number(Double(report.copied)),
                    "already_there": .number(Double(report.alreadyThere)),
                    "bytes_copied": .number(Double(report.bytesCopied)),
                ]),
            to: Self.lineageSubject)
        return report
    }

    /// The blobs of `page` the target lacks at their size, its sizes asked several at a time.
    private func missingInTarget(_ page: [StoredBlob]) async throws -> [StoredBlob] {
        let sizes = try await boundedConcurrentMap(page, limit: concurrency) { blob in
            try await target.size(of: blob.key)
        }
        return zip(page, sizes).filter { $0.0.size != $0.1 }.map(\.0)
    }

    /// Streams one blob through the target's staging (hashed on the way), commits it, reads it back.
    private func copy(_ blob: StoredBlob) async throws -> Int64 {
        let writer = try await target.makeStagingWriter()
        let staged: StagedBlob
        do {
            for try await chunk in try await source.read(blob.key, range: nil) { try await writer.write(chunk) }
            staged = try await writer.finish()
        } catch {
            await writer.abandon()
            throw error
        }
        if let address = blob.key.contentAddress, address != staged.sha256 {
            await target.discard(staged)
            throw BlobStoreError.digestMismatch(blob.key, expected: address, actual: staged.sha256)
        }
        try await target.commit(staged, as: blob.key)
        for try await _ in try await target.readVerified(blob.key, sha256: staged.sha256) {}
        return staged.size
    }
}
