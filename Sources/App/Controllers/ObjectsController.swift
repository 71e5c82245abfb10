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
        group.get("objects/{id}/content", use: content)
    }

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
        let storage_uri: String
        let created_at: Date
        let updated_at: Date
        let metadata: JSONValue
        let lineage: [LineageEvent]?
    }

    struct ListResponse: ResponseEncodable {
        let items: [ObjectResponse]
        let next_cursor: String?
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> ObjectResponse {
        let asset = try await visibleAsset(context)
        return describe(asset, lineage: try await catalog.lineage.events(for: asset.id))
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> ListResponse {
        let principal = try context.requirePrincipal()
        let query = request.uri.queryParameters
        let requestedOwner = query["owner"].map(String.init)
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
        let asset = try await visibleAsset(context)
        guard let key = BlobKey(asset.storageKey) else { throw APIError.notFound("content") }
        let range = try ByteRange.parse(request.headers[.range], size: asset.size)
        let bytes: BlobByteSequence
        do {
            bytes = try await store.read(key, range: range)
        } catch BlobStoreError.notFound {
            throw APIError(.internalServerError, code: "blob_missing", "the stored bytes of this object are missing")
        }
        var headers: HTTPFields = [
            .contentType: asset.mediaType, .contentLength: String(bytes.totalBytes), .acceptRanges: "bytes",
            .eTag: "\"\(asset.sha256)\"",
        ]
        if let range {
            headers[.contentRange] = "bytes \(range.lowerBound)-\(range.upperBound - 1)/\(asset.size)"
        }
        return Response(
            status: range == nil ? .ok : .partialContent, headers: headers, body: ResponseBody(asyncSequence: bytes))
    }

    private func visibleAsset(_ context: AppRequestContext) async throws -> AssetRecord {
        let principal = try context.requirePrincipal()
        guard let id = context.parameters.get("id").flatMap(UUID.init(uuidString:)),
            let asset = try await catalog.assets.find(id), principal.isAdmin || asset.owner == principal.owner
        else { throw APIError.notFound("object") }
        return asset
    }

    private func describe(_ asset: AssetRecord, lineage: [LineageEvent]?) -> ObjectResponse {
        ObjectResponse(
            system_id: asset.id.uuidString.lowercased(), kind: asset.kind.rawValue, owner: asset.owner,
            status: asset.status.rawValue, media_type: asset.mediaType, size: asset.size, sha256: asset.sha256,
            original_filename: asset.originalFilename, comments: asset.comments,
            storage_uri: BlobKey(asset.storageKey).map(store.uri(for:)) ?? asset.storageKey,
            created_at: asset.createdAt, updated_at: asset.updatedAt, metadata: asset.metadata, lineage: lineage)
    }
}
