/// `{"error":{"code","message"}}`: every error the API returns.
public struct ErrorEnvelope: Codable, Sendable, Equatable {
    public struct Body: Codable, Sendable, Equatable {
        public let code: String
        public let message: String
        /// Each reason a document was refused by a frozen schema (422 `schema_violation`).
        public let violations: [Violation]?

        public init(code: String, message: String, violations: [Violation]? = nil) {
            self.code = code
            self.message = message
            self.violations = violations
        }
    }

    /// One way a document breaks a collection's frozen schema.
    public struct Violation: Codable, Sendable, Equatable {
        /// The document's position in the request, from 0.
        public let document: Int
        /// The JSON path, its keys joined by `/`.
        public let path: String
        public let message: String

        public init(document: Int, path: String, message: String) {
            self.document = document
            self.path = path
            self.message = message
        }
    }

    public let error: Body

    public init(code: String, message: String, violations: [Violation]? = nil) {
        error = Body(code: code, message: message, violations: violations)
    }
}
