import Foundation

/// Where the previous page ended: the last result's sort key and id. Opaque to clients (base64
/// of JSON); like any client input it is checked when read back, and a cursor of one sort is
/// refused by the other.
public struct SearchCursor: Sendable, Equatable, Codable {
    public let sort: String
    /// The fused score (relevance) or the time taken (`date`, the camera's local time or the upload's).
    public let score: Double?
    public let time: String?
    public let id: UUID
    /// Results served before this page: the next page reads that many more candidates.
    public let served: Int

    enum CodingKeys: String, CodingKey {
        case sort = "s", score = "v", time = "t", id = "i", served = "n"
    }

    public init(sort: String, score: Double?, time: String?, id: UUID, served: Int) {
        self.sort = sort
        self.score = score
        self.time = time
        self.id = id
        self.served = served
    }

    public init?(token: String) {
        guard token.utf8.count <= 512, let data = Data(base64Encoded: token),
            let cursor = try? JSONDecoder().decode(SearchCursor.self, from: data),
            cursor.served >= 0, cursor.served <= 1_000_000, cursor.score?.isFinite ?? true,
            (cursor.sort == "relevance" && cursor.score != nil) || (cursor.sort == "date" && cursor.time != nil)
        else { return nil }
        self = cursor
    }

    public var token: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return (try? encoder.encode(self))?.base64EncodedString() ?? ""
    }
}
