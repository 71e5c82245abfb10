import Catalog
import Foundation
import Hummingbird
import Storage

/// `GET /api/v1/objects`, `/objects/{id}` and `/objects/{id}/content`. A user key sees only its
/// owner's objects; another owner's object is reported as not found, not as forbidden, so ids
/// cannot be probed.
struct ObjectsController {
    let catalog: CatalogDatabase
    let store: any BlobStore

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("objects", use: list)
        group.get("objects/{id}", use: show)
        group.get("objects/{id}/lineage", use: lineage)
        group.get("objects/{id}/content", use: content)
        group.head("objects/{id}/content", use: contentHead)
    }

    /// Events shown with an object; the rest are a page away (`lineage_next`).
    static let lineagePage = 50

    struct ObjectResponse: ResponseEncodable {
        let system_id: String
        let kind: String
        let owner: String
        let status: String
        let media_type: String
        let size: Int64
        let sha256: String
        let original_filename: String?
        let comments: String?
        /// Relative to the blob store: where the server keeps its files is not the client's business.
        /// Media are placed in the folder view (`media/unsorted/…`, `media/clusters/<slug>/…`,
        /// `media/trash/…`) and this follows every move; until placed, it is the original.
        let storage_uri: String
        /// The content-addressed upload (`raw/…`), which never moves.
        let original_uri: String
        let cluster_id: String?
        let trashed_at: Date?
        let content_url: String
        let created_at: Date
        let updated_at: Date
        let metadata: JSONValue
        /// Once the media stage has run: the small square and the preview.
        let thumbnail_url: String?
        let preview_url: String?
        /// A video's segments, each with the URL of its frame.
        let segments: [Segment]?
        /// Best first, each with its score and the stage that gave it (shown with one object).
        let tags: [AssetTag]?
        let lineage: [LineageEvent]?
        let lineage_total: Int?
        let lineage_next: String?
    }

    struct Segment: Codable {
        let segment: Int
        let start_seconds: Double
        let end_seconds: Double
        let frame_url: String
    }

    struct LineagePage: ResponseEncodable {
        let events: [LineageEvent]
        let next: String?
    }

    struct ListResponse: ResponseEncodable {
        let items: [ObjectResponse]
        let next_cursor: String?
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> ObjectResponse {
        let asset = try await visibleAsset(context)
        let events = try await catalog.lineage.events(for: asset.id, limit: Self.lineagePage)
        let total = events.count < Self.lineagePage ? events.count : try await catalog.lineage.count(for: asset.id)
        return describe(asset, lineage: (events, total), tags: try await catalog.assets.tags(of: asset.id))
    }

    @Sendable func lineage(_ request: Request, context: AppRequestContext) async throws -> LineagePage {
        let asset = try await visibleAsset(context)
        let query = request.uri.queryParameters
        func number(_ name: Substring, in range: ClosedRange<Int>, _ rule: String) throws -> Int? {
            try query[name].map { value in
                guard let number = Int(String(value)), range.contains(number) else {
                    throw APIError.badRequest("invalid_query", "\(name) must be \(rule)")
                }
                return number
            }
        }
        let after = try number("after", in: 0...Int.max, "an event number (0 or more)")
        let limit = try number("limit", in: 1...500, "1…500")
        let pageSize = limit ?? Self.lineagePage
        let events = try await catalog.lineage.events(for: asset.id, after: after ?? 0, limit: pageSize)
        return LineagePage(
            events: events,
            next: events.count == pageSize ? events.last.map { lineageLink(asset.id, after: $0.seq) } : nil)
    }

    private func lineageLink(_ id: UUID, after seq: Int) -> String {
        "/api/v1/objects/\(id.uuidString.lowercased())/lineage?after=\(seq)"
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> ListResponse {
        let principal = try context.requirePrincipal()
        let query = request.uri.queryParameters
        let requestedOwner = try request.ownerQuery()
        if let requestedOwner, requestedOwner != principal.owner, !principal.isAdmin { throw APIError.forbidden }
        let owner = principal.isAdmin ? requestedOwner : principal.owner
        var kind: AssetKind?
        if let value = query["kind"] {
            guard let parsed = AssetKind(rawValue: String(value)) else {
                throw APIError.badRequest("invalid_query", "kind must be one of image, video, json, other")
            }
            kind = parsed
        }
        let limit = query["limit"].map { Int(String($0)) ?? 0 } ?? 50
        guard (1...500).contains(limit) else { throw APIError.badRequest("invalid_query", "limit must be 1…500") }
        var cursor: AssetCursor?
        if let token = query["cursor"] {
            guard let parsed = AssetCursor(token: String(token)) else {
                throw APIError.badRequest("invalid_query", "cursor is not one this server issued")
            }
            cursor = parsed
        }
        let assets = try await catalog.assets.list(owner: owner, kind: kind, after: cursor, limit: limit)
        let next =
            assets.count == limit ? assets.last.map { AssetCursor(createdAt: $0.createdAt, id: $0.id).token } : nil
        return ListResponse(items: assets.map { describe($0, lineage: nil) }, next_cursor: next)
    }

    @Sendable func content(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await content(request, context: context, body: true)
    }

    @Sendable func contentHead(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await content(request, context: context, body: false)
    }

    /// Blobs up to this size are hashed before a full response starts, so changed bytes are
    /// refused with an error; larger ones (where a second read would double the cost of a
    /// video) are hashed as they stream and the response is cut.
    static let verifyBeforeSendingBytes: Int64 = 16 << 20

    private func content(_ request: Request, context: AppRequestContext, body: Bool) async throws -> Response {
        let asset = try await visibleAsset(context)
        guard let key = BlobKey(asset.storageKey) else { throw APIError.notFound("content") }
        let storedSize = try await store.size(of: key)
        guard let storedSize else {
            throw APIError(.internalServerError, code: "blob_missing", "the stored bytes of this object are missing")
        }
        guard storedSize == asset.size else {
            throw corrupt(asset, context, "has \(storedSize) bytes, not \(asset.size)")
        }
        var headers = ContentHeaders.for(asset)
        if request.headers[.ifNoneMatch] == headers[.eTag] {
            headers[.contentLength] = String(asset.size)
            return Response(status: .notModified, headers: headers)
        }
        let range = try ByteRange.parse(request.headers[.range], size: asset.size)
        let length = range.map { Int64($0.count) } ?? asset.size
        headers[.contentLength] = String(length)
        if let range {
            headers[.contentRange] = "bytes \(range.lowerBound)-\(range.upperBound - 1)/\(asset.size)"
        }
        let status: HTTPResponse.Status = range == nil ? .ok : .partialContent
        guard body else { return Response(status: status, headers: headers) }
        if let range {
            return Response(
                status: status, headers: headers,
                body: ResponseBody(asyncSequence: try await store.read(key, range: range)))
        }
        if asset.size <= Self.verifyBeforeSendingBytes {
            // A hashing pass first, chunk by chunk (nothing is buffered: many such requests at
            // once cost no memory), so a mismatch is refused before the response starts.
            do {
                for try await _ in try await store.readVerified(key, sha256: asset.sha256) {}
            } catch BlobStoreError.digestMismatch(_, _, let actual) {
                throw corrupt(asset, context, "hash to \(actual)")
            }
        }
        // Hashed again as it streams: bytes that change in between still cut the response.
        return Response(
            status: status, headers: headers,
            body: ResponseBody(asyncSequence: try await store.readVerified(key, sha256: asset.sha256)))
    }

    /// The finding goes to the log; the client learns only that the bytes changed.
    private func corrupt(_ asset: AssetRecord, _ context: AppRequestContext, _ finding: String) -> APIError {
        context.logger.error(
            "stored bytes changed",
            metadata: ["asset": "\(asset.id)", "key": "\(asset.storageKey)", "finding": "\(finding)"])
        return APIError(
            .internalServerError, code: "blob_corrupt",
            "the stored bytes of this object changed since they were accepted")
    }

    private func visibleAsset(_ context: AppRequestContext) async throws -> AssetRecord {
        try await Self.visibleAsset(context, catalog: catalog)
    }

    static func visibleAsset(_ context: AppRequestContext, catalog: CatalogDatabase) async throws -> AssetRecord {
        let principal = try context.requirePrincipal()
        guard let id = context.parameters.get("id").flatMap(UUID.init(uuidString:)),
            let asset = try await catalog.assets.find(id), principal.isAdmin || asset.owner == principal.owner
        else { throw APIError.notFound("object") }
        return asset
    }

    private func describe(
        _ asset: AssetRecord, lineage: ([LineageEvent], total: Int)?, tags: [AssetTag]? = nil
    ) -> ObjectResponse {
        let id = asset.id.uuidString.lowercased()
        let next =
            lineage.flatMap { events, total in
                events.count < total ? events.last.map { lineageLink(asset.id, after: $0.seq) } : nil
            }
        let base = "/api/v1/objects/\(id)"
        // The media stage writes the placeholder with the renditions, in one completion.
        let hasRenditions = asset.metadata["placeholder"] != nil
        return ObjectResponse(
            system_id: id, kind: asset.kind.rawValue, owner: asset.owner,
            status: asset.status.rawValue, media_type: asset.mediaType, size: asset.size, sha256: asset.sha256,
            original_filename: asset.originalFilename, comments: asset.comments,
            storage_uri: asset.placementKey ?? asset.storageKey, original_uri: asset.storageKey,
            cluster_id: asset.clusterID?.uuidString.lowercased(), trashed_at: asset.trashedAt,
            content_url: "/api/v1/objects/\(id)/content", created_at: asset.createdAt, updated_at: asset.updatedAt,
            metadata: asset.metadata, thumbnail_url: hasRenditions ? "\(base)/thumbnail?size=small" : nil,
            preview_url: hasRenditions ? "\(base)/thumbnail?size=preview" : nil, segments: segments(asset, base: base),
            tags: tags,
            lineage: lineage?.0, lineage_total: lineage?.total, lineage_next: next)
    }

    /// The media stage's segments (`metadata.segments`), with their frames' URLs.
    private func segments(_ asset: AssetRecord, base: String) -> [Segment]? {
        guard case .array(let items)? = asset.metadata["segments"] else { return nil }
        return items.compactMap { item in
            guard case .number(let number)? = item["segment"], case .number(let start)? = item["start_seconds"],
                case .number(let end)? = item["end_seconds"]
            else { return nil }
            return Segment(
                segment: Int(number), start_seconds: start, end_seconds: end,
                frame_url: "\(base)/thumbnail?segment=\(Int(number))")
        }
    }
}
