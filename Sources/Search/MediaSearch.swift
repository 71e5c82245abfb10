import Catalog
import Foundation

/// Media search: a query becomes a vector (cached), the vector the nearest stored media within
/// the scope, the words index look-ups; the lists are fused into one ranking, CLIP-only results
/// below the query's own cut-off are let go, and one page is described with why each matched.
public struct MediaSearch: Sendable {
    public struct Settings: Sendable, Equatable {
        public var tuning = MediaSearchRepository.Tuning()
        /// Candidates each signal contributes at most; relevance pages reach this far.
        public var maximumDepth = 1_000
        public var cutoff = RelevanceCutoff()
        public var backgroundSample = 512
        public var backgroundLifetime: Duration = .seconds(600)
        public var cachedQueries = 512
        /// Moments shown per video.
        public var moments = 3

        public init() {}
    }

    let catalog: CatalogDatabase
    let embedder: (any QueryEmbedder)?
    let settings: Settings
    let cache: QueryEmbeddingCache
    let background: BackgroundSamples

    public init(catalog: CatalogDatabase, embedder: (any QueryEmbedder)?, settings: Settings = Settings()) {
        self.catalog = catalog
        self.embedder = embedder
        self.settings = settings
        cache = QueryEmbeddingCache(capacity: settings.cachedQueries)
        background = BackgroundSamples(
            catalog: catalog, size: settings.backgroundSample, lifetime: settings.backgroundLifetime)
    }

    public func search(_ request: MediaSearchRequest) async throws -> MediaSearchOutcome {
        let started = ContinuousClock.now
        var timing = SearchTiming()
        var unavailable: [SearchSignal: String] = [:]
        var scope = request.scope

        // 1. The query's vector.
        var vector: [Float]?
        let encodeStart = ContinuousClock.now
        switch request.query {
        case .text(let text):
            if let embedder, embedder.unavailableReason == nil {
                if let cached = cache.vector(model: embedder.model, text: text) {
                    vector = cached
                    timing.encodeCached = true
                } else {
                    let embedded = try await embedder.embed(text: text)
                    cache.store(embedded, model: embedder.model, text: text)
                    vector = embedded
                }
            } else {
                unavailable[.clip] = embedder?.unavailableReason ?? "no CLIP model is configured"
            }
        case .image(let bytes):
            guard let embedder, embedder.unavailableReason == nil else {
                throw MediaSearchError.modelUnavailable(embedder?.unavailableReason ?? "no CLIP model is configured")
            }
            vector = try await embedder.embed(image: bytes)
        case .similar(let id):
            guard let embedder, let stored = try await catalog.embeddings.vector(of: id, model: embedder.model) else {
                throw MediaSearchError.notEmbedded(id)
            }
            vector = stored
            scope.excluding = id
        }
        timing.encode = Self.milliseconds(since: encodeStart)

        // 2. The nearest stored vectors, and the floor CLIP-only results must reach.
        // Candidates each signal contributes. Unfiltered, 200 rows cost little over 10 (bench/search
        // at 1M: p99 13.0 against 10.4 ms) and give the fusion and later pages room. Under a
        // filter the iterative scan reads about 1/selectivity index entries per row (a 1% filter:
        // 200 rows took 220 ms), so it asks for four rows per result shown (recall@10 0.94).
        let served = request.cursor?.served ?? 0
        let depth =
            scope.isFiltered
            ? min(settings.maximumDepth, 4 * (served + request.limit))
            : min(settings.maximumDepth, max(200, (served + request.limit) * 2))
        var clipMatches: [VectorMatch] = []
        var scan: VectorScan?
        var cutoff: RelevanceCutoff.Outcome?
        var floor = request.minimumSimilarity
        if let vector, let model = embedder?.model {
            let vectorStart = ContinuousClock.now
            let found = try await catalog.mediaSearch.nearest(
                to: vector, model: model, scope: scope, depth: depth, tuning: settings.tuning)
            clipMatches = found.matches
            scan = found.scan
            if request.cutoff == .adaptive {
                let sample = try await background.vectors(owner: scope.owner, model: model, dimensions: vector.count)
                let outcome = settings.cutoff.calibrate(sample.map { Self.cosine($0, vector) })
                cutoff = outcome
                if case .applied(let similarity, _, _, _) = outcome { floor = max(floor ?? -1, similarity) }
            }
            timing.vector = Self.milliseconds(since: vectorStart)
        }

        // 3. The words' signals (typed queries only).
        var lists = SignalLists()
        if case .text(let text) = request.query {
            let textStart = ContinuousClock.now
            lists = try await wordSignals(QueryWords(text), scope: scope, depth: depth)
            timing.text = Self.milliseconds(since: textStart)
        }

        // 4. One ranking.
        let fusionStart = ContinuousClock.now
        var best: [UUID: Double] = [:]
        for match in clipMatches where match.similarity > best[match.assetID] ?? -2 {
            best[match.assetID] = match.similarity
        }
        let clipRanking = best.filter { $0.value >= (floor ?? -2) }
            .sorted { ($0.value, $1.key.uuidString) > ($1.value, $0.key.uuidString) }.map(\.key)
        var fusion = RankFusion<UUID>()
        if vector != nil { fusion.add(.clip, clipRanking) }
        for (signal, items) in lists.ranked { fusion.add(signal, Self.inCLIPOrder(items, best)) }
        let fused = fusion.fused { $0.uuidString < $1.uuidString }
        let page = try await self.page(fused, request: request)
        timing.fusion = Self.milliseconds(since: fusionStart)

        // 5. The page, described.
        let described = try await describe(page.items, vector: vector, lists: lists, floor: floor)
        timing.total = Self.milliseconds(since: started)
        return MediaSearchOutcome(
            hits: described, cutoff: cutoff, floor: floor, unavailable: unavailable, timing: timing, scan: scan,
            next: page.next)
    }

    /// A words' list ordered by CLIP similarity where known (media the vector search met), the
    /// rest after in the list's own order. A text rank says little about short comments or
    /// filenames ("dog" once is "dog" once); among the media that have the word, the one that
    /// also looks like the query is the better answer (bench/search/Fusion: nDCG@10 0.866
    /// against 0.850 in the text rank's order).
    static func inCLIPOrder(_ items: [UUID], _ similarity: [UUID: Double]) -> [UUID] {
        guard !similarity.isEmpty else { return items }
        let position = Dictionary(items.enumerated().map { ($1, $0) }, uniquingKeysWith: min)
        return items.sorted { lhs, rhs in
            switch (similarity[lhs], similarity[rhs]) {
            case (let left?, let right?): left != right ? left > right : position[lhs]! < position[rhs]!
            case (.some, nil): true
            case (nil, .some): false
            case (nil, nil): position[lhs]! < position[rhs]!
            }
        }
    }

    static func cosine(_ a: [Float], _ b: [Float]) -> Double {
        guard a.count == b.count else { return 0 }
        var dot: Float = 0
        var normA: Float = 0
        var normB: Float = 0
        for index in a.indices {
            dot += a[index] * b[index]
            normA += a[index] * a[index]
            normB += b[index] * b[index]
        }
        let norms = (normA * normB).squareRoot()
        return norms > 0 ? Double(dot / norms) : 0
    }

    static func milliseconds(since start: ContinuousClock.Instant) -> Double {
        let elapsed = start.duration(to: .now)
        return (Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15)
    }
}
