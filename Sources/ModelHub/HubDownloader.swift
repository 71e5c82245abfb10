import AsyncHTTPClient
import Foundation
import Logging
import NIOCore

/// Fetches one file of a hub repository into a folder: resumable, verified, and moved into place only when whole.
///
/// While a file is in flight it lives at `<file>.partial`; the final name appears only after the size and digest the
/// hub announced have been checked, so a file under its final name is always complete.
public struct HubDownloader: Sendable {
    public let endpoint: HubEndpoint
    let httpClient: HTTPClient
    let logger: Logger
    /// For the small requests that only read headers; bodies have no overall deadline (see `transferDeadline`).
    let probeTimeout: TimeAmount
    let maxRedirects = 10

    public init(
        endpoint: HubEndpoint, httpClient: HTTPClient, logger: Logger, probeTimeout: TimeAmount = .seconds(30)
    ) {
        self.endpoint = endpoint
        self.httpClient = httpClient
        self.logger = logger
        self.probeTimeout = probeTimeout
    }

    /// Makes `folder/file` hold the hub's `file` of `model`, resuming from `folder/file.partial` when one is left.
    ///
    /// - Throws: `ModelHubError.fileNotFound` for a missing required file, `.integrityMismatch` (the partial is
    ///   deleted), `.interrupted` (the partial is kept), `.hubUnreachable`, `.unexpectedStatus`, `.fileSystem`.
    public func download(
        _ file: String, of model: HubModelID, into folder: URL, required: Bool, progress: DownloadProgress? = nil
    ) async throws -> DownloadOutcome {
        let destination = folder.appendingPathComponent(file)
        if FileManager.default.fileExists(atPath: destination.path) { return .alreadyPresent }

        let url = endpoint.resolveURL(for: model, file: file)
        let expected: ExpectedContent
        switch try await probe(url, file: file, model: model, folder: folder) {
        case .found(let content):
            expected = content
        case .missing(let status):
            guard required else {
                logger.debug("optional file absent on hub", metadata: ["file": "\(file)", "status": "\(status)"])
                return .absent
            }
            throw ModelHubError.fileNotFound(model: model.description, file: file, status: status)
        }
        if expected.sha256 == nil && expected.gitBlobSHA1 == nil {
            logger.warning("hub sent no digest; checking size only", metadata: ["file": "\(file)", "url": "\(url)"])
        }

        let partial = PartialFile(url: folder.appendingPathComponent(file + ".partial"))
        while true {
            var resumedFrom = try partial.size()
            if let size = expected.size, resumedFrom > size {
                try partial.remove()
                resumedFrom = 0
            }
            let alreadyWhole = resumedFrom > 0 && resumedFrom == expected.size
            if !alreadyWhole {
                try await transfer(
                    url, file: file, model: model, folder: folder, into: partial, expected: expected,
                    progress: progress)
            }
            let digest = try partial.digest()
            if let mismatch = digest.mismatch(against: expected) {
                try partial.remove()
                guard resumedFrom > 0 else {
                    throw ModelHubError.integrityMismatch(
                        file: file, expected: mismatch.expected, actual: mismatch.actual)
                }
                // The kept bytes may belong to an older revision of the file: one more try, from zero this time.
                logger.warning(
                    "resumed file failed verification; downloading it afresh",
                    metadata: ["file": "\(file)", "expected": "\(mismatch.expected)", "actual": "\(mismatch.actual)"]
                )
                continue
            }
            try partial.moveIntoPlace(at: destination)
            logger.info(
                "downloaded", metadata: ["file": "\(file)", "bytes": "\(digest.size)", "sha256": "\(digest.sha256)"])
            return .downloaded(bytes: digest.size)
        }
    }
}
