import Catalog
import Hummingbird
import Logging
import NIOCore

/// The request context of every route: who is calling, once authenticated.
public struct AppRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public var principal: Principal?
    /// The connection, for `acceptBody()`; nil under the test framework's in-process router.
    let channel: (any Channel)?

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.principal = nil
        self.channel = source.channel
    }

    /// The route has accepted the key and the request: a client waiting on
    /// `Expect: 100-continue` may now send the body (see `ExpectContinueHandler`).
    func acceptBody() async {
        guard let channel else { return }
        try? await channel.triggerUserOutboundEvent(ExpectContinueHandler.AcceptBody()).get()
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
