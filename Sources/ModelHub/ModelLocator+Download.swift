import Foundation

extension ModelLocator {
    /// Small files first and the checkpoint last: with every required file in place the folder counts as complete,
    /// so the optional tokenizer files must have had their turn by then.
    static let downloadOrder: [(name: String, required: Bool)] =
        CheckpointFiles.required.filter { $0 != "model.safetensors" }.map { ($0, true) }
        + CheckpointFiles.optional.map { ($0, false) }
        + [("model.safetensors", true)]

    func download(_ model: HubModelID, into folder: URL, progress: DownloadProgress?) async throws {
        try createDirectory(folder)
        logger.info("fetching model", metadata: ["model": "\(model)", "folder": "\(folder.path)"])
        var entries: [ModelManifest.Entry] = []
        for (file, required) in Self.downloadOrder {
            let outcome = try await downloader.download(
                file, of: model, into: folder, required: required, progress: progress)
            if outcome == .absent { continue }
            let size =
                (try? FileManager.default.attributesOfItem(atPath: folder.appendingPathComponent(file).path))?[
                    .size] as? NSNumber
            entries.append(.init(name: file, bytes: size?.int64Value ?? 0))
        }
        try Self.requireComplete(folder)
        try ModelManifest(
            repository: model.repository, revision: model.revision,
            endpoint: downloader.endpoint.baseURL.absoluteString, files: entries, completedAt: Date()
        ).write(in: folder)
    }

    func createDirectory(_ directory: URL) throws {
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw ModelHubError.fileSystem(path: directory.path, reason: "\(error)")
        }
    }
}
