import Catalog
import Foundation
import Hummingbird

/// Resolves `Authorization: Bearer <key>` to a principal, or answers 401.
struct APIKeyMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let keys: APIKeyRepository
    let cache: PrincipalCache

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws
        -> Response
    {
        guard let header = request.headers[.authorization], header.lowercased().hasPrefix("bearer ") else {
            throw APIError.unauthorized
        }
        let key = header.dropFirst("bearer ".count).trimmingCharacters(in: .whitespaces)
        guard let principal = try await cache.principal(for: key, orLoad: { try await keys.authenticate(key) }) else {
            throw APIError.unauthorized
        }
        var context = context
        context.principal = principal
        return try await next(request, context)
    }
}
