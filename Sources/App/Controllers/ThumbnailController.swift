import Catalog
import Foundation
import Hummingbird
import Storage

/// `GET /api/v1/objects/{id}/thumbnail?size=small|preview[&segment=N]`: the renditions the
/// media stage made. They are content-addressed, so the ETag is their hash and a client
/// revalidates for free; the same URL shows a new rendition once the asset is processed again.
struct ThumbnailController {
    let catalog: CatalogDatabase
    let store: any BlobStore

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("objects/{id}/thumbnail", use: thumbnail)
    }

    static let cacheControl = "private, max-age=86400"

    @Sendable func thumbnail(_ request: Request, context: AppRequestContext) async throws -> Response {
        let asset = try await ObjectsController.visibleAsset(context, catalog: catalog)
        let query = request.uri.queryParameters
        let kind: String
        switch (query["size"].map(String.init) ?? "small", query["segment"].map(String.init)) {
        case (_, let segment?):
            guard let number = Int(segment), number >= 1 else {
                throw APIError.badRequest("invalid_query", "segment must be a segment number (1 or more)")
            }
            kind = DerivedKind.frame(number)
        case ("small", nil): kind = DerivedKind.thumbnail
        case ("preview", nil): kind = DerivedKind.preview
        case (let size, nil): throw APIError.badRequest("invalid_query", "size must be small or preview, not \(size)")
        }
        guard asset.kind == .image || asset.kind == .video else {
            throw APIError(.notFound, code: "no_thumbnail", "only images and videos have thumbnails")
        }
        guard let blob = try await catalog.assets.derivedBlob(of: asset.id, kind: kind),
            let key = BlobKey(blob.storageKey)
        else {
            if query["segment"] != nil, asset.status == .ready {
                throw APIError(.notFound, code: "not_found", "the video has no such segment")
            }
            throw APIError(
                .notFound, code: "thumbnail_not_ready",
                "no \(kind) yet: the object is \(asset.status.rawValue) (see /api/v1/objects/\(asset.id.uuidString.lowercased()))"
            )
        }
        var headers: HTTPFields = [.contentType: blob.mediaType, .cacheControl: Self.cacheControl]
        headers[.eTag] = "\"\(blob.storageKey.split(separator: "/").last ?? "")\""
        if request.headers[.ifNoneMatch] == headers[.eTag] { return Response(status: .notModified, headers: headers) }
        headers[.contentLength] = String(blob.size)
        return Response(
            status: .ok, headers: headers, body: ResponseBody(asyncSequence: try await store.read(key, range: nil)))
    }
}
