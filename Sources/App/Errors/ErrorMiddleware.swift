import Foundation
import Hummingbird
import Ingest
import Logging
import NIOCore
import NIOHTTP1

/// Turns every error into the API's JSON error shape, in one place. Errors we did not expect are
/// logged with their details and shown to the client only as an internal error.
struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws
        -> Response
    {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            return try error.response(from: request, context: context)
        } catch let error as HTTPParserError {
            return try APIError(parserError: error).response(from: request, context: context)
        } catch is NIOTooManyBytesError {
            // A small body collected with a bound (`collect(upTo:)`: an admin's edits) that was larger.
            return try APIError(
                .contentTooLarge, code: "payload_too_large", "the request body is larger than this route accepts"
            )
            .response(from: request, context: context)
        } catch is RequestTimedOut {
            return try APIError.requestTimedOut.response(from: request, context: context)
        } catch let error as ChannelError {
            // The client went away mid-request: nobody will read an answer.
            context.logger.debug("connection lost during the request", metadata: ["error": "\(error)"])
            return try APIError(.badRequest, code: "connection_lost", "the connection closed during the request")
                .response(from: request, context: context)
        } catch let error as HTTPError {
            let code: String
            switch error.status {
            case .notFound: code = "not_found"
            case .methodNotAllowed: code = "method_not_allowed"
            case .contentTooLarge: code = "payload_too_large"
            case .badRequest: code = "bad_request"
            default: code = "http_\(error.status.code)"
            }
            // Hummingbird's own messages may quote the request (a path, a header): cut to size.
            let message = error.body.map { ClientText.excerpt($0, limit: 200) } ?? error.status.reasonPhrase
            return try APIError(error.status, code: code, message).response(from: request, context: context)
        } catch {
            context.logger.error(
                "unexpected error", metadata: ["error": "\(String(reflecting: error))", "path": "\(request.uri.path)"])
            return try APIError(.internalServerError, code: "internal", "the server could not complete the request")
                .response(from: request, context: context)
        }
    }
}
