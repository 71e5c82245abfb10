import Catalog
import Foundation
import WireTypes

/// JSON documents as search results, and the mixed (`type=all`) page of media and documents.
extension SearchController {
    func documents(
        _ text: String, _ parameters: SearchParameters, after: DocumentSearchCursor?, limit: Int
    ) async throws -> (results: [SearchResponse.Result], hits: [DocumentSearchHit], milliseconds: Double) {
        let start = ContinuousClock.now
        let hits = try await catalog.documentSearch.search(
            text, owner: parameters.scope.owner, collection: parameters.collection, limit: limit, after: after)
        let elapsed = start.duration(to: .now)
        let milliseconds = Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1000
        return (hits.map(Self.result), hits, milliseconds)
    }

    static func result(_ hit: DocumentSearchHit) -> SearchResponse.Result {
        let id = hit.documentID.uuidString.lowercased()
        var result = SearchResponse.Result(
            type: "json", id: id, score: hit.rank, matched: ["text"],
            why: ["\(hit.path.isEmpty ? "the document" : hit.path) has the words: \(hit.snippet)"])
        result.collection = SearchResponse.CollectionRef(
            id: hit.collectionID.uuidString.lowercased(), name: hit.collectionName)
        result.path = hit.path
        result.snippet = hit.snippet
        result.content_url = "/api/v1/objects/\(id)/content"
        return result
    }
}

/// Where a mixed page ended in each list: the media search's cursor and the documents' one; a
/// list that ran out is marked so. Opaque to clients.
struct MixedCursor: Codable, Equatable {
    var media: String?
    var documents: String?
    var mediaDone = false
    var documentsDone = false

    enum CodingKeys: String, CodingKey {
        case media = "m", documents = "d", mediaDone = "md", documentsDone = "dd"
    }

    init(media: String?, documents: String?, mediaDone: Bool, documentsDone: Bool) {
        self.media = media
        self.documents = documents
        self.mediaDone = mediaDone
        self.documentsDone = documentsDone
    }

    init?(token: String) {
        guard let data = Data(base64Encoded: token), let cursor = try? JSONDecoder().decode(Self.self, from: data)
        else { return nil }
        self = cursor
    }

    var token: String { (try? JSONEncoder().encode(self))?.base64EncodedString() ?? "" }
}
