import Foundation

/// The `<file>.partial` a download writes into; every disk operation on it reports failures as `ModelHubError`.
struct PartialFile: Sendable {
    let url: URL

    /// Bytes already on disk; 0 when there is no partial yet.
    func size() throws -> Int64 {
        guard FileManager.default.fileExists(atPath: url.path) else { return 0 }
        return try fileSystem {
            let attributes = try FileManager.default.attributesOfItem(atPath: url.path)
            return (attributes[.size] as? NSNumber)?.int64Value ?? 0
        }
    }

    /// A handle positioned at the end, for appending a `206` body.
    func openForAppending() throws -> FileHandle {
        try fileSystem {
            if !FileManager.default.fileExists(atPath: url.path) {
                guard FileManager.default.createFile(atPath: url.path, contents: nil) else {
                    throw CocoaError(.fileWriteUnknown)
                }
            }
            let handle = try FileHandle(forWritingTo: url)
            try handle.seekToEnd()
            return handle
        }
    }

    func remove() throws {
        guard FileManager.default.fileExists(atPath: url.path) else { return }
        try fileSystem { try FileManager.default.removeItem(at: url) }
    }

    func digest() throws -> FileDigest {
        try fileSystem { try FileDigest.of(url) }
    }

    /// Rename within one folder, so the final name appears at once with the whole content.
    func moveIntoPlace(at destination: URL) throws {
        try fileSystem { try FileManager.default.moveItem(at: url, to: destination) }
    }

    private func fileSystem<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch {
            throw ModelHubError.fileSystem(path: url.path, reason: "\(error)")
        }
    }
}
