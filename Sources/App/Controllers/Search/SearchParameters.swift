import Catalog
import Foundation
import Hummingbird
import HummingbirdCore
import Search

/// The query string of `/api/v1/search`, checked: every problem is a 400 naming the parameter.
struct SearchParameters {
    enum Target: String {
        case media, json, all
    }

    var target = Target.media
    var text: String?
    var similarTo: UUID?
    var scope = MediaSearchScope()
    var sort = MediaSearchRequest.Sort.relevance
    var limit = 10
    var cursor: SearchCursor?
    /// The cursor as sent: JSON and mixed searches read it their own way.
    var cursorToken: String?
    var cutoff = MediaSearchRequest.Cutoff.adaptive
    var minimumSimilarity: Double?
    var collection: UUID?
    var keep = false
    var filename: String?

    static let maximumQueryBytes = 1_000
    static let maximumLimit = 100

    init(_ query: FlatDictionary<Substring, Substring>, principal: Principal) throws {
        func value(_ name: String) -> String? {
            query[Substring(name)].map(String.init).flatMap { $0.isEmpty ? nil : $0 }
        }
        func invalid(_ name: String, _ rule: String) -> APIError {
            APIError.badRequest("invalid_query", "\(name) must be \(rule)")
        }
        if let type = value("type") {
            guard let target = Target(rawValue: type) else { throw invalid("type", "media, json or all") }
            self.target = target
        }
        if let text = value("query") ?? value("q") {
            guard text.utf8.count <= Self.maximumQueryBytes else {
                throw invalid("query", "at most \(Self.maximumQueryBytes) bytes")
            }
            self.text = text
        }
        if let id = value("similar_to") {
            guard let similar = UUID(uuidString: id) else { throw invalid("similar_to", "an object's system_id") }
            similarTo = similar
        }
        if let limit = value("limit") {
            guard let number = Int(limit), (1...Self.maximumLimit).contains(number) else {
                throw invalid("limit", "1…\(Self.maximumLimit)")
            }
            self.limit = number
        }
        if let sort = value("sort") {
            guard let parsed = MediaSearchRequest.Sort(rawValue: sort) else {
                throw invalid("sort", "relevance or date")
            }
            self.sort = parsed
        }
        if let token = value("cursor") {
            guard token.utf8.count <= 2048 else { throw Self.foreignCursor }
            cursorToken = token
            if target == .media {
                guard let parsed = SearchCursor(token: token), parsed.sort == sort.rawValue else {
                    throw Self.foreignCursor
                }
                cursor = parsed
            }
        }
        if let cutoff = value("cutoff") {
            switch cutoff {
            case "none": self.cutoff = .none
            case "auto", "adaptive": self.cutoff = .adaptive
            default: throw invalid("cutoff", "auto or none")
            }
        }
        if let floor = value("min_similarity") {
            guard let number = Double(floor), (-1...1).contains(number) else { throw invalid("min_similarity", "-1…1") }
            minimumSimilarity = number
        }
        if let owner = value("owner") {
            do { _ = try OwnerName(validating: owner) } catch { throw invalid("owner", "an owner name (\(error))") }
            guard owner == principal.owner || principal.isAdmin else { throw APIError.forbidden }
            scope.owner = owner
        } else if !principal.isAdmin {
            scope.owner = principal.owner
        }
        if let kind = value("kind") {
            guard let parsed = AssetKind(rawValue: kind), parsed == .image || parsed == .video else {
                throw invalid("kind", "image or video")
            }
            scope.kind = parsed
        }
        if let cluster = value("cluster") {
            guard let id = UUID(uuidString: cluster) else { throw invalid("cluster", "a cluster id") }
            scope.cluster = id
        }
        if let tag = value("tag") {
            guard tag.utf8.count <= 200,
                !tag.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
            else { throw invalid("tag", "at most 200 bytes, without control characters") }
            scope.tag = tag.lowercased()
        }
        scope.takenAfter = try value("taken_after").map { try Self.localTime($0, "taken_after") }
        scope.takenBefore = try value("taken_before").map { try Self.localTime($0, "taken_before") }
        scope.createdAfter = try value("created_after").map { try Self.instant($0, "created_after") }
        scope.createdBefore = try value("created_before").map { try Self.instant($0, "created_before") }
        if let collection = value("collection") {
            guard let id = UUID(uuidString: collection) else { throw invalid("collection", "a collection id") }
            self.collection = id
        }
        if let keep = value("keep") {
            guard let flag = Bool(keep) else { throw invalid("keep", "true or false") }
            self.keep = flag
        }
        if let name = value("filename") {
            guard name.utf8.count <= 255,
                !name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
            else { throw invalid("filename", "at most 255 bytes, without control characters") }
            filename = name
        }
    }

    static let foreignCursor = APIError.badRequest(
        "invalid_query", "cursor is not one this server issued for this search (type and sort)")

    /// `2019`, `2019-07`, `2019-07-14` or `2019-07-14T16:32:05`: compared with the camera's local time.
    static func localTime(_ text: String, _ name: String) throws -> String {
        let shapes = ["dddd", "dddd-dd", "dddd-dd-dd", "dddd-dd-ddTdd:dd", "dddd-dd-ddTdd:dd:dd"]
        let shape = String(text.map { $0.isASCII && $0.isNumber ? "d" : $0 })
        guard shapes.contains(shape) else {
            throw APIError.badRequest(
                "invalid_query",
                "\(name) must be a date or time such as 2019, 2019-07, 2019-07-14 or 2019-07-14T16:32:05")
        }
        return text
    }

    /// An ISO 8601 date (`2024-05-01`, midnight UTC) or date-time with offset.
    static func instant(_ text: String, _ name: String) throws -> Date {
        let full = ISO8601DateFormatter()
        let fractional = ISO8601DateFormatter()
        fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let day = ISO8601DateFormatter()
        day.formatOptions = [.withFullDate]
        guard let date = full.date(from: text) ?? fractional.date(from: text) ?? day.date(from: text),
            date.timeIntervalSince1970 > -62_135_596_800, date.timeIntervalSince1970 < 253_402_300_799
        else {
            throw APIError.badRequest(
                "invalid_query", "\(name) must be an ISO 8601 date or date-time (2024-05-01 or 2024-05-01T12:00:00Z)")
        }
        return date
    }
}
