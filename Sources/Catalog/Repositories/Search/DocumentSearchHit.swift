import Foundation

/// A document whose text matched a search.
public struct DocumentSearchHit: Sendable, Equatable {
    /// The document's asset id.
    public let documentID: UUID
    public let collectionID: UUID
    public let collectionName: String
    public let owner: String
    /// Where in the document the value shown in `snippet` is, in `DocumentPath` notation:
    /// `customer.name`, `items[2].title`, `["first name"]`.
    public let path: String
    /// That value, or up to about 35 words of it around the match, with each matching word
    /// between `«` and `»` (`ts_headline`). Not HTML: a client shows it as text and may style
    /// the marks; the value itself may contain the marks too.
    public let snippet: String
    /// PostgreSQL's `ts_rank` of the document's searched text: higher is better.
    public let rank: Double
    public let createdAt: Date

    /// The cursor that continues after this hit.
    public var cursor: DocumentSearchCursor { DocumentSearchCursor(rank: rank, documentID: documentID) }
}

/// Keyset pagination over hits ordered by rank (highest first), then document id: the next
/// page starts after the last hit's rank and id, so every hit is seen once while no document
/// changes. The rank's bits travel exactly (no decimal rounding), so equal ranks compare equal.
public struct DocumentSearchCursor: Sendable, Equatable {
    public let rank: Double
    public let documentID: UUID

    public init(rank: Double, documentID: UUID) {
        self.rank = rank
        self.documentID = documentID
    }

    /// Reads `token`; nil for anything this type did not write.
    public init?(token: String) {
        guard token.utf8.count <= 128, let data = Data(base64Encoded: Self.padded(token)),
            let text = String(data: data, encoding: .utf8)
        else { return nil }
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, let bits = UInt64(parts[0], radix: 16), let id = UUID(uuidString: String(parts[1]))
        else { return nil }
        let rank = Double(bitPattern: bits)
        guard rank.isFinite, rank >= 0 else { return nil }
        self.rank = rank
        self.documentID = id
    }

    /// An opaque string for a URL (base64url, unpadded).
    public var token: String {
        Data("\(String(rank.bitPattern, radix: 16)):\(documentID.uuidString.lowercased())".utf8)
            .base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    private static func padded(_ token: String) -> String {
        var base64 = token.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        return base64
    }
}
