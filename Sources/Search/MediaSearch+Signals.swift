import Catalog
import Foundation

/// The ranked lists of the words' signals, and what each matched on, for the reasons.
struct SignalLists: Sendable {
    var ranked: [(SearchSignal, [UUID])] = []
    var words: [String] = []
    var tags: [UUID: (tag: String, score: Double)] = [:]
    var clusters: [UUID: String] = [:]
    var taken: [UUID: String] = [:]
}

extension MediaSearch {
    /// The words' signals of a typed query, and how long their look-ups took; none for others.
    func timedWordSignals(
        _ query: MediaSearchRequest.Query, scope: MediaSearchScope, depth: Int
    ) async throws
        -> (lists: SignalLists, milliseconds: Double)
    {
        guard case .text(let text) = query else { return (SignalLists(), 0) }
        let start = ContinuousClock.now
        let lists = try await wordSignals(QueryWords(text), scope: scope, depth: depth)
        return (lists, Self.milliseconds(since: start))
    }

    /// Each of the words' signals, looked up at once (each is one index read).
    func wordSignals(_ query: QueryWords, scope: MediaSearchScope, depth: Int) async throws -> SignalLists {
        let search = catalog.mediaSearch
        async let words = search.wordMatches(query.words, scope: scope, limit: depth)
        async let tags = search.tagMatches(query.phrases, scope: scope, limit: depth)
        async let clusters = search.clusterMatches(query.words, scope: scope, limit: depth)
        async let taken = search.takenMatches(query.periods, scope: scope, limit: depth)
        let (wordMatches, tagMatches, clusterMatches, takenMatches) = try await (words, tags, clusters, taken)

        var lists = SignalLists(words: query.words)
        for (signal, rank) in [
            (SearchSignal.filename, \WordMatch.filename), (.comments, \WordMatch.comments),
            (.camera, \WordMatch.camera),
        ] {
            let ranked = wordMatches.compactMap { match in match[keyPath: rank].map { (match.assetID, $0) } }
                .sorted { ($0.1, $1.0) > ($1.1, $0.0) }.map(\.0)
            if !ranked.isEmpty { lists.ranked.append((signal, ranked)) }
        }
        if !tagMatches.isEmpty {
            lists.ranked.append((.tags, tagMatches.map(\.assetID)))
            for match in tagMatches { lists.tags[match.assetID] = (match.tag, match.score) }
        }
        if !clusterMatches.isEmpty {
            lists.ranked.append((.cluster, clusterMatches.map(\.assetID)))
            for match in clusterMatches { lists.clusters[match.assetID] = match.cluster }
        }
        if !takenMatches.isEmpty {
            lists.ranked.append((.date, takenMatches.map(\.assetID)))
            for match in takenMatches { lists.taken[match.assetID] = match.taken }
        }
        return lists
    }

    /// The reasons a result matched, one per signal, in words a person reads.
    func reasons(
        for searched: SearchedAsset, signals: [SearchSignal], similarity: Double?, floor: Double?, lists: SignalLists
    ) -> [String] {
        let asset = searched.asset
        func met(_ text: String?) -> String {
            let tokens = Set((text ?? "").lowercased().split { !($0.isLetter || $0.isNumber) }.map(String.init))
            return lists.words.filter(tokens.contains).map { "“\($0)”" }.joined(separator: ", ")
        }
        return signals.map { signal in
            switch signal {
            case .clip:
                let value = similarity.map { String(format: "%.3f", $0) } ?? "?"
                return floor.map { "CLIP similarity \(value), above the cut-off \(String(format: "%.3f", $0))" }
                    ?? "CLIP similarity \(value)"
            case .filename: return "the filename \(asset.originalFilename ?? "") has \(met(asset.originalFilename))"
            case .comments: return "the comments have \(met(asset.comments))"
            case .camera:
                let exif = asset.metadata["exif"]
                let camera = [exif?["camera_make"], exif?["camera_model"]].compactMap { value -> String? in
                    if case .string(let text)? = value { text } else { nil }
                }.joined(separator: " ")
                return "taken with a \(camera)"
            case .tags:
                let tag = lists.tags[asset.id]
                return "tagged “\(tag?.tag ?? "")” (\(String(format: "%.2f", tag?.score ?? 0)))"
            case .cluster: return "in the cluster “\(lists.clusters[asset.id] ?? "")”"
            case .date: return "taken \(lists.taken[asset.id] ?? searched.taken ?? "")"
            }
        }
    }
}
