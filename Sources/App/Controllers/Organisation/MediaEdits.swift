import Foundation
import NIOCore

/// An admin's changes to a media proposal on approval: the copy to keep (duplicates), the name
/// (a new cluster), members left out (any kind).
struct MediaEdits: Decodable {
    var keeper: UUID?
    var name: String?
    var excluded: [UUID]?

    var excludedSet: Set<UUID> { Set(excluded ?? []) }

    static func decode(_ body: ByteBuffer) throws -> MediaEdits {
        guard body.readableBytesView.contains(where: { $0 > 0x20 }) else { return MediaEdits() }
        do { return try JSONDecoder().decode(MediaEdits.self, from: Data(body.readableBytesView)) } catch {
            throw APIError.badRequest(
                "invalid_body", "expected {\"keeper\": id, \"name\": text, \"excluded\": [id]} (each optional)")
        }
    }
}

/// `PATCH /api/v1/clusters/{id}`: one change at a time.
struct ClusterChange: Decodable {
    var name: String?
    /// Another cluster's id: every member moves there, and this one is closed.
    var merge_into: UUID?
    /// Members to take out (back to unsorted, never proposed for this cluster again).
    var remove: [UUID]?
}

/// `POST /api/v1/clusters/{id}/split`.
struct ClusterSplit: Decodable {
    var members: [UUID]
    var name: String?
}

/// `POST /api/v1/duplicates/{id}/resolve`.
struct DuplicateResolution: Decodable {
    var keeper: UUID?
    var excluded: [UUID]?
}

extension Decodable {
    static func decodeBody(_ body: ByteBuffer, expected: String) throws -> Self {
        do { return try JSONDecoder().decode(Self.self, from: Data(body.readableBytesView)) } catch {
            throw APIError.badRequest("invalid_body", "expected \(expected)")
        }
    }
}
