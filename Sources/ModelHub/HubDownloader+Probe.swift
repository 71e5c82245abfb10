import AsyncHTTPClient
import Foundation
import NIOCore

extension HubDownloader {
    enum ProbeResult: Sendable, Equatable {
        case found(ExpectedContent)
        /// 401, 403 or 404: the hub answers these for a missing file, repository or revision (and for gated ones).
        case missing(status: Int)
    }

    /// Reads what the hub says about `url` with `HEAD`, without downloading.
    ///
    /// Relative redirects stay within the hub (renamed repositories, resolve caches) and are followed; an absolute one
    /// leads to the CDN holding LFS content and ends the probe, because the integrity headers are on the hub's answer
    /// and presigned CDN links may refuse `HEAD`. huggingface_hub draws the same line.
    func probe(_ url: URL, file: String, model: HubModelID, folder: URL) async throws -> ProbeResult {
        var current = url
        var expected = ExpectedContent.unknown
        for _ in 0...maxRedirects {
            var request = HTTPClientRequest(url: current.absoluteString)
            request.method = .HEAD
            request.headers.add(name: "User-Agent", value: Self.userAgent)
            let response: HTTPClientResponse
            do {
                response = try await httpClient.execute(request, timeout: probeTimeout, logger: logger)
            } catch {
                throw unreachable(model: model, folder: folder, error: error)
            }
            let status = Int(response.status.code)
            switch status {
            case 200..<300:
                return .found(expected.merged(with: ExpectedContent(headers: response.headers, isDirectContent: true)))
            case 300..<400:
                expected = expected.merged(with: ExpectedContent(headers: response.headers, isDirectContent: false))
                guard let location = response.headers.first(name: "Location"),
                    let next = URL(string: location, relativeTo: current)?.absoluteURL
                else {
                    throw ModelHubError.unexpectedStatus(model: model.description, file: file, status: status)
                }
                if URL(string: location)?.host != nil { return .found(expected) }
                current = next
            case 401, 403, 404:
                return .missing(status: status)
            default:
                throw ModelHubError.unexpectedStatus(model: model.description, file: file, status: status)
            }
        }
        throw ModelHubError.unexpectedStatus(model: model.description, file: file, status: 310)
    }

    static let userAgent = "afa-modelhub/1"

    static func redirectTarget(of response: HTTPClientResponse, from url: URL) -> URL? {
        guard let location = response.headers.first(name: "Location") else { return nil }
        return URL(string: location, relativeTo: url)?.absoluteURL
    }

    func unreachable(model: HubModelID, folder: URL, error: any Error) -> any Error {
        if error is CancellationError || error is ModelHubError { return error }
        if Task.isCancelled { return CancellationError() }
        return ModelHubError.hubUnreachable(
            model: model.description, endpoint: endpoint.baseURL.absoluteString, folder: folder.path,
            reason: ConnectionFailure.describe(error)
        )
    }
}
