import AsyncHTTPClient
import Foundation
import Logging

/// Turns `EMBEDDING_MODEL` into a local checkpoint folder the CLIP library can load, downloading it when needed.
///
/// A hub id `org/name[@revision]` is kept in `modelDirectory/org--name` (`org--name@revision` for revisions other
/// than `main`). A cached folder is used without touching the network, so a machine that downloaded once, or one
/// where the files were placed by hand, works offline.
public struct ModelLocator: Sendable {
    public static let defaultModel = "openai/clip-vit-base-patch32"

    public let modelDirectory: URL
    public let downloader: HubDownloader
    let logger: Logger

    /// - Parameter httpClient: best configured with `HTTPClient.Configuration.modelHub` (redirects off), so the hub's
    ///   integrity headers are seen; a client that follows redirects itself still works, checking sizes only.
    public init(
        modelDirectory: URL, hubBaseURL: URL = HubEndpoint.defaultBaseURL, httpClient: HTTPClient, logger: Logger
    ) {
        self.modelDirectory = modelDirectory
        self.downloader = HubDownloader(
            endpoint: HubEndpoint(baseURL: hubBaseURL), httpClient: httpClient, logger: logger)
        self.logger = logger
    }

    /// The folder `model` is cached in, whether or not it is there yet.
    public func folder(for model: HubModelID) -> URL {
        modelDirectory.appendingPathComponent(model.folderName, isDirectory: true)
    }

    /// A local folder ready to load.
    ///
    /// - Parameter spec: an existing folder (returned as it is once its required files are checked) or a hub id.
    /// - Throws: `ModelHubError` with a message for the user: `.missingFiles` names what a folder lacks,
    ///   `.hubUnreachable` explains how to place the files by hand, `.invalidSpec` for anything else.
    public func resolve(_ spec: String, progress: DownloadProgress? = nil) async throws -> URL {
        switch try ModelSpec(parsing: spec) {
        case .localFolder(let folder):
            try Self.requireComplete(folder)
            return folder
        case .hub(let model):
            let folder = folder(for: model)
            if isComplete(folder) { return folder }
            try createDirectory(modelDirectory)
            let lock = FolderLock(url: modelDirectory.appendingPathComponent(".\(model.folderName).lock"))
            try await lock.withLock(onWait: {
                logger.info("waiting for another download of the model", metadata: ["model": "\(model)"])
            }) {
                // Whoever held the lock may have just finished the folder.
                if !isComplete(folder) { try await download(model, into: folder, progress: progress) }
            }
            return folder
        }
    }

    /// A folder counts as complete with every required file under its final name: downloads only ever rename
    /// verified files into place, and a folder placed by hand has no manifest but is used all the same.
    func isComplete(_ folder: URL) -> Bool {
        guard CheckpointFiles.missingRequired(in: folder).isEmpty else { return false }
        if ModelManifest.read(in: folder) == nil {
            logger.info(
                "using model folder without download manifest (placed by hand?)", metadata: ["folder": "\(folder.path)"]
            )
        }
        return true
    }

    static func requireComplete(_ folder: URL) throws {
        let missing = CheckpointFiles.missingRequired(in: folder)
        guard missing.isEmpty else { throw ModelHubError.missingFiles(folder: folder.path, files: missing) }
    }
}
