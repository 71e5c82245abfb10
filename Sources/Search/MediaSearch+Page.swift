import Catalog
import Foundation

extension MediaSearch {
    struct Page {
        let items: [(id: UUID, score: Double, signals: [SearchSignal])]
        let next: SearchCursor?
    }

    /// The page the cursor points at, in the order asked for.
    func page(_ fused: [RankFusion<UUID>.Fused], request: MediaSearchRequest) async throws -> Page {
        let served = request.cursor?.served ?? 0
        var ordered = fused.map { (id: $0.item, score: $0.score, signals: $0.ranks.keys.sorted()) }
        var times: [UUID: String] = [:]
        if request.sort == .date {
            times = try await catalog.mediaSearch.times(of: ordered.map(\.id))
            ordered.sort { lhs, rhs in
                let (left, right) = (times[lhs.id] ?? "", times[rhs.id] ?? "")
                return left != right ? left > right : lhs.id > rhs.id
            }
        }
        var start = 0
        if let cursor = request.cursor {
            if let position = ordered.firstIndex(where: { $0.id == cursor.id }) {
                start = position + 1
            } else if request.sort == .date, let time = cursor.time {
                // The cursor's medium is gone (deleted, trashed): resume where it would have been.
                start =
                    ordered.firstIndex {
                        (times[$0.id] ?? "", $0.id) < (time, cursor.id)
                    } ?? ordered.count
            } else if let score = cursor.score {
                start = ordered.firstIndex { $0.score < score } ?? ordered.count
            }
        }
        let items = Array(ordered.dropFirst(start).prefix(request.limit))
        var next: SearchCursor?
        if start + items.count < ordered.count, let last = items.last {
            next = SearchCursor(
                sort: request.sort.rawValue, score: request.sort == .relevance ? last.score : nil,
                time: request.sort == .date ? times[last.id] ?? "" : nil, id: last.id, served: served + items.count)
        }
        return Page(items: items, next: next)
    }

    /// The page's media with their similarity (every vector of theirs compared, so a video's best
    /// moment counts even when the scan met another), moments and reasons.
    func describe(
        _ items: [(id: UUID, score: Double, signals: [SearchSignal])], vector: [Float]?, lists: SignalLists,
        floor: Double?
    ) async throws -> [MediaHit] {
        let ids = items.map(\.id)
        // Two independent reads, at once.
        async let assets = catalog.mediaSearch.assets(ids)
        async let compared =
            if let vector, let model = embedder?.model {
                catalog.mediaSearch.vectors(of: ids, model: model, comparedWith: vector)
            } else {
                [VectorMatch]()
            }
        var vectors: [UUID: [VectorMatch]] = [:]
        for match in try await compared { vectors[match.assetID, default: []].append(match) }
        let found = try await assets
        return items.compactMap { item in
            guard let searched = found[item.id] else { return nil }
            let matches = vectors[item.id] ?? []
            let similarity = matches.map(\.similarity).max()
            let moments =
                searched.asset.kind == .video
                ? Array(
                    matches.filter { $0.segment > 0 }.sorted { $0.similarity > $1.similarity }.prefix(settings.moments))
                : []
            return MediaHit(
                result: searched, score: item.score, similarity: similarity, matched: item.signals,
                reasons: reasons(
                    for: searched, signals: item.signals, similarity: similarity, floor: floor, lists: lists),
                moments: moments)
        }
    }
}
