import NIOCore

/// What one connection may hold of the server, and for how long. Defaults suit a service on
/// the open internet; every value is configurable (see `AppConfiguration`).
public struct HTTPServerLimits: Sendable {
    /// Connections open at once; the next one is answered `503` and closed.
    public var maximumConnections = 2048
    /// A connection with no request in progress is closed after this long.
    public var idleTimeout: TimeAmount = .seconds(60)
    /// From a request's first byte (or the connection's start) to the end of its headers.
    public var headerTimeout: TimeAmount = .seconds(10)
    /// The longest pause between two reads of a request body; a stalled upload is cut.
    public var bodyTimeout: TimeAmount = .seconds(30)
    /// On shutdown, requests in flight get this long to finish before their connection is closed.
    public var shutdownGrace: TimeAmount = .seconds(5)

    public init() {}
}
