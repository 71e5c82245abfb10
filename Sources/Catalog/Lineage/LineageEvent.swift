import Foundation

public struct LineageEvent: Sendable, Codable, Equatable {
    public let seq: Int
    public let at: Date
    public let actor: String
    public let action: String
    public let detail: JSONValue
    public let hash: String
}

/// What a caller appends; the log assigns sequence, time and hashes.
public struct NewLineageEvent: Sendable {
    public let actor: String
    public let action: String
    public let detail: JSONValue

    public init(actor: String, action: String, detail: JSONValue = [:]) {
        self.actor = actor
        self.action = action
        self.detail = detail
    }
}
