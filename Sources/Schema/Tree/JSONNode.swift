/// A parsed JSON document that loses nothing: numbers keep the text they were written as, and
/// an object keeps its members in the order they were sent.
public indirect enum JSONNode: Sendable, Equatable {
    case null
    case bool(Bool)
    case number(JSONNumber)
    case string(String)
    case array([JSONNode])
    case object([JSONMember])
}

public struct JSONMember: Sendable, Equatable {
    public var key: String
    public var value: JSONNode

    public init(_ key: String, _ value: JSONNode) {
        self.key = key
        self.value = value
    }
}

/// A JSON number as written (`1`, `1.0`, `-2e400`, `18446744073709551616`): its class says which
/// SQL type can hold it without loss.
public struct JSONNumber: Sendable, Hashable {
    public let text: String
    public let kind: ValueKind

    public init(text: String, kind: ValueKind) {
        self.text = text
        self.kind = kind
    }
}

/// What a JSON value is, finely enough to choose its SQL type. Numbers are split by the
/// narrowest type that holds them exactly.
public enum ValueKind: String, Sendable, Hashable, Codable, CaseIterable {
    case null
    case bool
    /// An integer within Int64 (`bigint`).
    case integer
    /// An integer beyond Int64 (`numeric`).
    case bigInteger
    /// A number with a fraction or an exponent that a finite `Double` holds.
    case float
    /// A number beyond `Double`'s range (`1e400`): only `numeric` holds it.
    case hugeNumber
    case string
    case array
    case object
}
