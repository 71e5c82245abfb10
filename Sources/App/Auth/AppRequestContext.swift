import Catalog
import Hummingbird
import Logging
import NIOCore

/// The request context of every route: who is calling, once authenticated.
public struct AppRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public var principal: Principal?

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.principal = nil
    }

    /// Bodies are streamed by the ingest route with its own limit; this bounds only small
    /// decoded bodies (admin requests).
    public var maxUploadSize: Int { 1024 * 1024 }

    /// The caller, for routes behind `APIKeyMiddleware`.
    func requirePrincipal() throws -> Principal {
        guard let principal else { throw APIError.unauthorized }
        return principal
    }

    func requireAdmin() throws -> Principal {
        let principal = try requirePrincipal()
        guard principal.isAdmin else { throw APIError.forbidden }
        return principal
    }
}
