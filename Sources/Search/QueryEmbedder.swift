/// Turns a query into a vector of the model the media were embedded with. The HTTP layer never
/// links CLIP: the composition root hands it one of these.
public protocol QueryEmbedder: Sendable {
    /// The model id stored with every vector; a query is compared only with vectors of it.
    var model: String { get }
    /// Why queries cannot be embedded (no model installed), or nil when they can.
    var unavailableReason: String? { get }
    /// A unit vector for a typed query.
    func embed(text: String) async throws -> [Float]
    /// A unit vector for an image's bytes (decoded as an upload would be; nothing is stored).
    func embed(image: [UInt8]) async throws -> [Float]
}
