import Catalog
import Foundation
import Search
import WireTypes

/// JSON documents as search results, and the mixed (`type=all`) page of media and documents.
extension SearchController {
    /// `type=json`: the documents whose text values hold the words.
    func documentsOnly(_ text: String, _ parameters: SearchParameters) async throws -> SearchResponse {
        var after: DocumentSearchCursor?
        if let token = parameters.cursorToken {
            guard let cursor = DocumentSearchCursor(token: token) else { throw SearchParameters.foreignCursor }
            after = cursor
        }
        let found = try await documents(text, parameters, after: after, limit: parameters.limit)
        metrics.text.record(.nanoseconds(Int64(found.milliseconds * 1_000_000)))
        return SearchResponse(
            type: "json", results: found.results, cutoff: nil, unavailable: nil,
            timing: SearchResponse.Timing(
                encode_ms: 0, encode_cached: false, vector_ms: 0, text_ms: Self.rounded(found.milliseconds),
                fusion_ms: 0, total_ms: Self.rounded(found.milliseconds), vector_scan: nil),
            next_cursor: found.hits.count == parameters.limit ? found.hits.last?.cursor.token : nil)
    }

    /// `type=all`: a page of media and one of documents, interleaved by their places in their own
    /// rankings (first with first, second with second: the two scores do not compare), each
    /// result labelled by its `type`. The cursor remembers where each list stopped.
    func mixed(_ text: String, _ parameters: SearchParameters) async throws -> SearchResponse {
        var position = MixedCursor(media: nil, documents: nil, mediaDone: false, documentsDone: false)
        if let token = parameters.cursorToken {
            guard let cursor = MixedCursor(token: token) else { throw SearchParameters.foreignCursor }
            position = cursor
        }
        var mediaParameters = parameters
        mediaParameters.cursor = try position.media.map { token in
            guard let cursor = SearchCursor(token: token) else { throw SearchParameters.foreignCursor }
            return cursor
        }
        var media: SearchResponse?
        if !position.mediaDone { media = try await run(.text(text), mediaParameters) }
        var documentCursor: DocumentSearchCursor?
        if let token = position.documents {
            guard let cursor = DocumentSearchCursor(token: token) else { throw SearchParameters.foreignCursor }
            documentCursor = cursor
        }
        let found =
            position.documentsDone
            ? (results: [], hits: [], milliseconds: 0)
            : try await documents(text, parameters, after: documentCursor, limit: parameters.limit)
        // Interleave, then keep `limit`, remembering how many of each were used.
        let mediaResults = media?.results ?? []
        var page: [SearchResponse.Result] = []
        var used = (media: 0, documents: 0)
        while page.count < parameters.limit, used.media < mediaResults.count || used.documents < found.results.count {
            if used.media < mediaResults.count {
                page.append(mediaResults[used.media])
                used.media += 1
            }
            if page.count < parameters.limit, used.documents < found.results.count {
                page.append(found.results[used.documents])
                used.documents += 1
            }
        }
        // A list continues after the last result used: its own page's cursor when all of it was
        // used, a cursor at the last one used when only some was, where it was when none was.
        var next = position
        if let media {
            if used.media == mediaResults.count {
                next.media = media.next_cursor
                next.mediaDone = media.next_cursor == nil
            } else if used.media > 0, let id = UUID(uuidString: mediaResults[used.media - 1].id) {
                let last = mediaResults[used.media - 1]
                next.media =
                    SearchCursor(
                        sort: parameters.sort.rawValue, score: parameters.sort == .relevance ? last.score : nil,
                        time: parameters.sort == .date ? (last.taken_at ?? "") : nil, id: id,
                        served: (mediaParameters.cursor?.served ?? 0) + used.media
                    ).token
            }
        }
        if !position.documentsDone {
            if used.documents == found.results.count {
                next.documents = found.hits.count == parameters.limit ? found.hits.last?.cursor.token : nil
                next.documentsDone = found.hits.count < parameters.limit
            } else if used.documents > 0 {
                next.documents = found.hits[used.documents - 1].cursor.token
            }
        }
        let total = (media?.timing.total_ms ?? 0) + found.milliseconds
        return SearchResponse(
            type: "all", results: page, cutoff: media?.cutoff, unavailable: media?.unavailable,
            timing: SearchResponse.Timing(
                encode_ms: media?.timing.encode_ms ?? 0, encode_cached: media?.timing.encode_cached ?? false,
                vector_ms: media?.timing.vector_ms ?? 0,
                text_ms: Self.rounded((media?.timing.text_ms ?? 0) + found.milliseconds),
                fusion_ms: media?.timing.fusion_ms ?? 0, total_ms: Self.rounded(total),
                vector_scan: media?.timing.vector_scan),
            next_cursor: next.mediaDone && next.documentsDone ? nil : next.token)
    }

    static func rounded(_ value: Double) -> Double { (value * 1000).rounded() / 1000 }

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
