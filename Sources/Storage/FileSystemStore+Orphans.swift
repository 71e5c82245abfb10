import Foundation
import NIOPosix

extension FileSystemStore {
    static let listingPageSize = 1000

    public func list(prefix: String) -> AsyncThrowingStream<[StoredBlob], any Error> {
        let walk = BlobWalk(root: root.string, prefix: prefix, pageSize: Self.listingPageSize)
        return AsyncThrowingStream { try await NIOThreadPool.singleton.runIfActive { try walk.nextPage() } }
    }

    /// Never removes a file of a process that is still running, however old (see `StagingLease`).
    public func sweepStaging(before cutoff: Date) async throws -> Int {
        let sweep = StagingSweep(directory: stagingDirectory.string, cutoff: cutoff)
        return try await NIOThreadPool.singleton.runIfActive { try sweep.run() }
    }

    /// The blob is first renamed into staging: an upload committing the same bytes (`commit`
    /// refreshes the time of a blob that is there already) either refreshed it before, and the
    /// time read after the rename shows it, or finds no blob and renames its own copy in.
    /// Then it goes, or, refreshed, comes back.
    public func delete(_ key: BlobKey, ifModifiedBefore cutoff: Date) async throws -> Bool {
        let path = path(of: key).string
        let aside = stagingPrefix + lease.name("orphan-" + UUID().uuidString.lowercased())
        let (removed, putBack) = try await NIOThreadPool.singleton.runIfActive {
            guard rename(path, aside) == 0 else {
                guard errno == ENOENT else { throw POSIXFile.Failure(operation: "rename \(path)", code: errno) }
                return (false, false)
            }
            if let status = try POSIXFile.status(of: aside), status.modified < cutoff {
                unlink(aside)
                return (true, false)
            }
            // Over a copy the upload may have put there since: the same bytes.
            try POSIXFile.check(rename(aside, path), "rename back to \(path)")
            return (false, true)
        }
        // The upload's catalog row may commit any moment now: the name must survive a crash.
        if putBack { try await groupSync.sync() }
        return removed
    }
}
