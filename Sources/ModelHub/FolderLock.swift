import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// An advisory `flock` on a file beside a model folder, so two downloads of one model (two `afa` processes, or two
/// tasks of one) never write the same `.partial` at once.
struct FolderLock: Sendable {
    let url: URL

    /// Runs `body` holding the lock; waits, polling, while another holder has it.
    func withLock<T>(onWait: () -> Void, _ body: () async throws -> T) async throws -> T {
        let descriptor = open(url.path, O_CREAT | O_RDWR | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw ModelHubError.fileSystem(path: url.path, reason: String(cString: strerror(errno)))
        }
        defer { close(descriptor) }
        var waited = false
        while flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
            guard errno == EWOULDBLOCK || errno == EINTR else {
                throw ModelHubError.fileSystem(path: url.path, reason: String(cString: strerror(errno)))
            }
            if !waited { onWait() }
            waited = true
            // A blocking flock would hold a cooperative thread for the length of someone else's download.
            try await Task.sleep(for: .milliseconds(200))
        }
        defer { flock(descriptor, LOCK_UN) }
        return try await body()
    }
}
