/// What `/readyz` says of the CLIP model: the server is ready without one (everything but the
/// semantic stages works), and says what to do.
public struct ModelStatus: Sendable, Equatable {
    /// `missing`, `installed` (found, not in memory) or `loaded`.
    public let state: String
    /// For `missing`: what to do about it.
    public let hint: String?

    public init(state: String, hint: String?) {
        self.state = state
        self.hint = hint
    }
}
