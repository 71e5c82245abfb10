import Catalog
import Foundation
import Hummingbird
import Ingest
import NIOCore
import Search
import Storage
import WireTypes

/// `GET /api/v1/search` (by text, or `similar_to` a stored medium) and `POST /api/v1/search`
/// (by an uploaded image, embedded for the query and stored only with `keep=true`).
struct SearchController {
    let search: MediaSearch
    let catalog: CatalogDatabase
    let store: any BlobStore
    let ingest: IngestService
    let metrics: SearchMetrics
    /// The largest query image accepted.
    let maximumImageBytes: Int

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("search", use: searchByQuery)
        group.post("search", use: searchByImage)
    }

    @Sendable func searchByQuery(_ request: Request, context: AppRequestContext) async throws -> SearchResponse {
        let principal = try context.requirePrincipal()
        let parameters = try SearchParameters(request.uri.queryParameters, principal: principal)
        if parameters.target != .media {
            guard let text = parameters.text, parameters.similarTo == nil else {
                throw APIError.badRequest(
                    "invalid_query", "type=\(parameters.target.rawValue) searches by words: give query")
            }
            return parameters.target == .json
                ? try await documentsOnly(text, parameters) : try await mixed(text, parameters)
        }
        let query: MediaSearchRequest.Query
        switch (parameters.text, parameters.similarTo) {
        case (let text?, nil): query = .text(text)
        case (nil, let id?):
            guard let asset = try await catalog.assets.find(id), principal.isAdmin || asset.owner == principal.owner
            else { throw APIError.notFound("object") }
            query = .similar(to: id)
        case (nil, nil):
            throw APIError.badRequest(
                "invalid_query", "give query (words to search for) or similar_to (an object's id)")
        case (.some, .some):
            throw APIError.badRequest("invalid_query", "give query or similar_to, not both")
        }
        return try await run(query, parameters)
    }

    @Sendable func searchByImage(_ request: Request, context: AppRequestContext) async throws -> SearchResponse {
        let principal = try context.requirePrincipal()
        let parameters = try SearchParameters(request.uri.queryParameters, principal: principal)
        guard parameters.target == .media else {
            throw APIError.badRequest("invalid_query", "an image searches media: leave out type or use type=media")
        }
        let contentType = request.headers[.contentType]?.lowercased() ?? ""
        guard contentType.hasPrefix("image/") else {
            throw APIError(
                .unsupportedMediaType, code: "unsupported_content_type",
                "send the image itself as the body, with its Content-Type (image/jpeg, image/png, image/webp…)")
        }
        await context.acceptBody()
        var body = ByteBuffer()
        for try await var chunk in request.body {
            guard body.readableBytes + chunk.readableBytes <= maximumImageBytes else {
                throw APIError.payloadTooLarge(limit: maximumImageBytes)
            }
            body.writeBuffer(&chunk)
        }
        guard body.readableBytes > 0 else { throw APIError.badRequest("empty_body", "the body holds no image") }
        var response = try await run(.image(Array(body.readableBytesView)), parameters)
        if parameters.keep {
            // Kept as an upload would be: the same checks, the same processing, its own lineage.
            let staged = try await store.stage(body)
            do {
                let receipt = try await ingest.accept(
                    IngestBatch(
                        owner: principal.owner, comments: nil,
                        items: [.file(staged, partName: "body", filename: parameters.filename)]),
                    actor: "key:\(principal.keyID.uuidString.lowercased())")
                response = SearchResponse(
                    type: response.type, results: response.results, cutoff: response.cutoff,
                    unavailable: response.unavailable, timing: response.timing, next_cursor: response.next_cursor,
                    kept_id: receipt.assetIDs.first?.uuidString.lowercased())
            } catch {
                await store.discard(staged)
                throw error
            }
        }
        return response
    }

    func run(_ query: MediaSearchRequest.Query, _ parameters: SearchParameters) async throws -> SearchResponse {
        let outcome: MediaSearchOutcome
        do {
            outcome = try await search.search(
                MediaSearchRequest(
                    query: query, scope: parameters.scope, sort: parameters.sort, limit: parameters.limit,
                    cursor: parameters.cursor, cutoff: parameters.cutoff,
                    minimumSimilarity: parameters.minimumSimilarity))
        } catch let error as MediaSearchError {
            throw Self.apiError(error)
        }
        metrics.record(outcome.timing)
        return SearchResponse(
            type: "media", results: outcome.hits.map(Self.result), cutoff: Self.cutoff(outcome, parameters),
            unavailable: outcome.unavailable.isEmpty
                ? nil : Dictionary(uniqueKeysWithValues: outcome.unavailable.map { ($0.key.rawValue, $0.value) }),
            timing: Self.timing(outcome), next_cursor: outcome.next?.token)
    }

    static func apiError(_ error: MediaSearchError) -> APIError {
        switch error {
        case .modelUnavailable(let reason):
            APIError(
                .serviceUnavailable, code: "model_unavailable", "searching by image needs the CLIP model: \(reason)")
        case .notEmbedded(let id):
            APIError(
                .conflict, code: "not_embedded",
                "object \(id.uuidString.lowercased()) has no vector of the current model yet (not processed, or not an image or video)"
            )
        case .undecodable(let reason):
            APIError(.unprocessableContent, code: "undecodable_image", "the image could not be read: \(reason)")
        }
    }

    static func result(_ hit: MediaHit) -> SearchResponse.Result {
        let asset = hit.result.asset
        let id = asset.id.uuidString.lowercased()
        let base = "/api/v1/objects/\(id)"
        var result = SearchResponse.Result(
            type: "media", id: id, score: hit.score, matched: hit.matched.map(\.rawValue), why: hit.reasons)
        result.uri = asset.placementKey ?? asset.storageKey
        result.kind = asset.kind.rawValue
        result.tags = hit.result.tags
        result.similarity = hit.similarity
        result.taken_at = hit.result.taken
        result.content_url = "\(base)/content"
        if asset.metadata["placeholder"] != nil { result.thumbnail_url = "\(base)/thumbnail?size=small" }
        if asset.kind == .video {
            result.moments = hit.moments.map { moment in
                SearchResponse.Moment(
                    segment: moment.segment, start_seconds: moment.startSeconds ?? 0,
                    end_seconds: moment.endSeconds ?? 0, similarity: moment.similarity,
                    frame_url: "\(base)/thumbnail?segment=\(moment.segment)")
            }
        }
        return result
    }

    static func cutoff(_ outcome: MediaSearchOutcome, _ parameters: SearchParameters) -> SearchResponse.Cutoff? {
        switch outcome.cutoff {
        case .applied(let similarity, let median, let spread, let sample)?:
            var cutoff = SearchResponse.Cutoff(applied: true, method: "adaptive")
            cutoff.similarity = outcome.floor ?? similarity
            cutoff.background_median = median
            cutoff.background_spread = spread
            cutoff.background_sample = sample
            return cutoff
        case .notApplied(let reason)?:
            var cutoff = SearchResponse.Cutoff(
                applied: outcome.floor != nil, method: outcome.floor != nil ? "fixed" : "none")
            cutoff.similarity = outcome.floor
            cutoff.reason = reason
            return cutoff
        case nil:
            guard outcome.unavailable[.clip] == nil else { return nil }
            var cutoff = SearchResponse.Cutoff(
                applied: outcome.floor != nil, method: outcome.floor != nil ? "fixed" : "none")
            cutoff.similarity = outcome.floor
            if outcome.floor == nil { cutoff.reason = "turned off with cutoff=none" }
            return cutoff
        }
    }

    static func timing(_ outcome: MediaSearchOutcome) -> SearchResponse.Timing {
        func rounded(_ value: Double) -> Double { (value * 1000).rounded() / 1000 }
        let timing = outcome.timing
        return SearchResponse.Timing(
            encode_ms: rounded(timing.encode), encode_cached: timing.encodeCached, vector_ms: rounded(timing.vector),
            text_ms: rounded(timing.text), fusion_ms: rounded(timing.fusion), total_ms: rounded(timing.total),
            vector_scan: outcome.scan?.rawValue)
    }
}
