/// What `/readyz` says of the CLIP model: the server is ready without one (everything but the
/// semantic stages works), and says what to do.
public struct ModelStatus: Sendable, Equatable {
    /// `missing`, `installed` (found, not in memory) or `loaded`.
    public let state: String
    public let model: String
    /// For `missing`: what to do about it.
    public let hint: String?

    public init(state: String, model: String, hint: String?) {
        self.state = state
        self.model = model
        self.hint = hint
    }
}
