import Foundation
import Synchronization

/// Marks the staging files of one running process, so that a sweep (another process's, or this
/// one's at its next start) removes only files whose process has ended.
///
/// An age cut-off alone cannot tell: a request's files are staged as they arrive and committed
/// when its last one is in, so a slow request leaves its first file unwritten for hours, and a
/// copy made for ffmpeg lies untouched while the tools run. So each process holds an exclusive
/// `flock` on `.staging-leases/lease-<id>.lock` for as long as it runs, and names its staging
/// files `<id>.<name>`. The kernel drops the lock when the process ends, however it ends (`kill -9`
/// included): a lock another process can take belongs to a process that is gone.
final class StagingLease: Sendable {
    let id: String
    /// Kept open, and so locked, until the process exits.
    private let descriptor: Int32

    private static let leases = Mutex<[String: StagingLease]>([:])

    /// This process's lease on the staging folder `staging`: one per folder, however many
    /// stores are opened on it.
    static func held(on staging: String) throws -> StagingLease {
        try leases.withLock { leases in
            if let lease = leases[staging] { return lease }
            let lease = try StagingLease(folder: folder(for: staging))
            leases[staging] = lease
            return lease
        }
    }

    /// Where the lock files of the processes staging into `staging` are: beside it, not in it,
    /// so that an empty staging folder still means no upload is in flight.
    static func folder(for staging: String) -> String { staging + "-leases" }

    /// True for a lease of this process. Its lock is never probed: on a file system where
    /// `flock` is emulated with POSIX record locks (NFS), opening and closing the file again
    /// in this process would release it.
    static func isHeldHere(_ id: String) -> Bool {
        leases.withLock { $0.values.contains { $0.id == id } }
    }

    private init(folder: String) throws {
        try POSIXFile.createDirectories(folder)
        let id = UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        // Locked under a temporary name, then renamed: a sweep must never find the lock file
        // before it is locked and take it for the lock of a process that has ended.
        let temporary = folder + "/" + Self.lockName(id) + ".new"
        let descriptor = open(temporary, O_RDONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw POSIXFile.Failure(operation: "create \(temporary)", code: errno) }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0,
            rename(temporary, folder + "/" + Self.lockName(id)) == 0
        else {
            let failure = POSIXFile.Failure(operation: "lock \(temporary)", code: errno)
            close(descriptor)
            unlink(temporary)
            throw failure
        }
        self.id = id
        self.descriptor = descriptor
    }

    deinit { close(descriptor) }

    /// The name of a staging file of this process.
    func name(_ name: String) -> String { id + "." + name }

    static func lockName(_ id: String) -> String { "lease-\(id).lock" }

    /// The lease a staging file's name carries; nil for a name without one.
    static func owner(ofFile name: String) -> String? {
        guard let dot = name.firstIndex(of: "."), name.distance(from: name.startIndex, to: dot) == 32 else {
            return nil
        }
        let id = name[..<dot]
        return id.allSatisfy(\.isHexDigit) ? String(id) : nil
    }

    /// The lease whose lock file this is; nil for any other name.
    static func owner(ofLock name: String) -> String? {
        guard name.hasPrefix("lease-"), name.hasSuffix(".lock") else { return nil }
        let id = name.dropFirst("lease-".count).dropLast(".lock".count)
        return id.count == 32 && id.allSatisfy(\.isHexDigit) ? String(id) : nil
    }
}
