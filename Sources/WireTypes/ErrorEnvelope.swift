/// The JSON shape of every error response: `{"error":{"code","message"}}`.
public struct ErrorEnvelope: Codable, Sendable, Equatable {
    public struct Body: Codable, Sendable, Equatable {
        public let code: String
        public let message: String

        public init(code: String, message: String) {
            self.code = code
            self.message = message
        }
    }
    public let error: Body

    public init(code: String, message: String) { error = Body(code: code, message: message) }
}
