import Foundation

/// One pass over a staging folder, on the I/O pool: removes the files last written before
/// `cutoff` whose process has ended (see `StagingLease`), and the lock files of those processes.
/// A file whose name carries no lease (a build before leases, mid-upgrade) goes by its age alone.
struct StagingSweep {
    let directory: String
    let cutoff: Date

    func run() throws -> Int {
        let leases = StagingLease.folder(for: directory)
        var ended = EndedLeases(folder: leases)
        defer { ended.release() }
        var removed = 0
        for entry in try POSIXFile.entries(in: directory) where entry.isDirectory != true {
            let path = directory + "/" + entry.name
            guard let status = try POSIXFile.status(of: path), status.isRegularFile, status.modified < cutoff else {
                continue
            }
            if let id = StagingLease.owner(ofFile: entry.name), !ended.contains(id) { continue }
            if unlink(path) == 0 { removed += 1 }
        }
        // An ended process's lock goes too: a file of it too young to go yet is then judged
        // ended by its lock's absence.
        for entry in try POSIXFile.entries(in: leases) {
            let path = leases + "/" + entry.name
            if let id = StagingLease.owner(ofLock: entry.name) {
                if ended.contains(id) { unlink(path) }
            } else if let status = try POSIXFile.status(of: path), status.isRegularFile, status.modified < cutoff {
                // A lock a process died making, before it was in place.
                unlink(path)
            }
        }
        return removed
    }
}

/// Which leases belong to ended processes, each probed once. A lease found ended stays locked
/// by this sweep until it is done, so a second sweep running at once leaves it alone.
private struct EndedLeases {
    let folder: String
    private var known: [String: Bool] = [:]
    private var taken: [Int32] = []

    init(folder: String) { self.folder = folder }

    mutating func contains(_ id: String) -> Bool {
        if let answer = known[id] { return answer }
        let answer = probe(id)
        known[id] = answer
        return answer
    }

    private mutating func probe(_ id: String) -> Bool {
        if StagingLease.isHeldHere(id) { return false }
        let descriptor = open(folder + "/" + StagingLease.lockName(id), O_RDONLY | O_CLOEXEC)
        // No lock file: its process ended and an earlier sweep removed the lock.
        guard descriptor >= 0 else { return errno == ENOENT }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            // Held (EWOULDBLOCK) or not lockable here: either way, treated as running.
            close(descriptor)
            return false
        }
        taken.append(descriptor)
        return true
    }

    func release() { for descriptor in taken { close(descriptor) } }
}
