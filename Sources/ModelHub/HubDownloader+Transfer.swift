import AsyncHTTPClient
import Foundation
import NIOCore

extension HubDownloader {
    /// Bodies have no overall deadline worth the name: a slow line may need hours for a checkpoint, and a stalled
    /// one is ended by the client's read timeout instead.
    static let transferTimeout: TimeAmount = .hours(24)
    static let progressStep: Int64 = 1 << 20

    /// Streams the body of `url` into `partial`: asks for the missing tail with `Range` when bytes are already there,
    /// appends on `206`, starts over on `200`, and starts over once on `416`.
    func transfer(
        _ url: URL, file: String, model: HubModelID, folder: URL, into partial: PartialFile, expected: ExpectedContent,
        progress: DownloadProgress?
    ) async throws {
        var restartedFromZero = false
        while true {
            let offset = try partial.size()
            let response = try await get(url, from: offset, file: file, model: model, folder: folder)
            let status = Int(response.status.code)
            switch status {
            case 206 where Self.rangeStart(response) == offset:
                logger.info("resuming download", metadata: ["file": "\(file)", "offset": "\(offset)"])
                try await write(
                    response, file: file, to: partial, startingAt: offset, expected: expected,
                    progress: progress)
                return
            case 200:
                if offset > 0 { logger.info("server ignored Range; starting over", metadata: ["file": "\(file)"]) }
                try partial.remove()
                try await write(
                    response, file: file, to: partial, startingAt: 0, expected: expected,
                    progress: progress)
                return
            case 206 where !restartedFromZero, 416 where !restartedFromZero:
                // The partial does not fit the file the server has now (it changed, or the partial overshoots).
                logger.warning(
                    "partial does not fit; restarting", metadata: ["file": "\(file)", "status": "\(status)"])
                _ = try? await response.body.collect(upTo: 1 << 16)
                try partial.remove()
                restartedFromZero = true
            case 401, 403, 404:
                throw ModelHubError.fileNotFound(model: model.description, file: file, status: status)
            default:
                throw ModelHubError.unexpectedStatus(model: model.description, file: file, status: status)
            }
        }
    }

    /// `GET` following redirects by hand, so the `Range` header goes along to the CDN.
    private func get(
        _ url: URL, from offset: Int64, file: String, model: HubModelID, folder: URL
    ) async throws
        -> HTTPClientResponse
    {
        var current = url
        for _ in 0...maxRedirects {
            var request = HTTPClientRequest(url: current.absoluteString)
            request.method = .GET
            request.headers.add(name: "User-Agent", value: Self.userAgent)
            if offset > 0 { request.headers.add(name: "Range", value: "bytes=\(offset)-") }
            let response: HTTPClientResponse
            do {
                response = try await httpClient.execute(request, timeout: Self.transferTimeout, logger: logger)
            } catch {
                throw unreachable(model: model, folder: folder, error: error)
            }
            guard (300..<400).contains(response.status.code),
                let next = Self.redirectTarget(of: response, from: current)
            else { return response }
            _ = try? await response.body.collect(upTo: 1 << 16)
            current = next
        }
        throw ModelHubError.unexpectedStatus(model: model.description, file: file, status: 310)
    }

    /// Appends the body chunk by chunk; a broken connection keeps what arrived, for the next resume.
    private func write(
        _ response: HTTPClientResponse, file: String, to partial: PartialFile, startingAt offset: Int64,
        expected: ExpectedContent, progress: DownloadProgress?
    ) async throws {
        let handle = try partial.openForAppending()
        defer { try? handle.close() }
        var written = offset
        var reported = offset
        progress?(file, written, expected.size)
        do {
            for try await chunk in response.body {
                do {
                    try chunk.withUnsafeReadableBytes { try handle.write(contentsOf: $0) }
                } catch {
                    throw ModelHubError.fileSystem(path: partial.url.path, reason: "\(error)")
                }
                written += Int64(chunk.readableBytes)
                if written - reported >= Self.progressStep {
                    progress?(file, written, expected.size)
                    reported = written
                }
            }
        } catch let error as CancellationError {
            throw error
        } catch let error as ModelHubError {
            throw error
        } catch {
            // The bytes so far stay in the partial either way; a cancelled download resumes like a broken one.
            if Task.isCancelled { throw CancellationError() }
            throw ModelHubError.interrupted(file: file, bytesSoFar: written, reason: ConnectionFailure.describe(error))
        }
        if let size = expected.size, written < size {
            throw ModelHubError.interrupted(
                file: file, bytesSoFar: written, reason: "the server ended the body \(size - written) bytes early")
        }
        if written != reported { progress?(file, written, expected.size) }
    }

    /// The first byte a `206` answer covers, from `Content-Range: bytes START-END/TOTAL`.
    static func rangeStart(_ response: HTTPClientResponse) -> Int64? {
        guard let range = response.headers.first(name: "Content-Range"), range.hasPrefix("bytes ") else { return nil }
        return range.dropFirst("bytes ".count).split(separator: "-").first.flatMap { Int64($0) }
    }
}
