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
        /// How long the planner's estimate of a scope's size is kept. It only chooses between
        /// the exact scan and the index (a wrong one costs time, never results), and asking for
        /// it is a round trip and a plan on every query otherwise.
        public var scopeEstimateLifetime: Duration = .seconds(60)
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
    let scopeSizes: KeptValues<ScopeKey, Double>

    struct ScopeKey: Hashable, Sendable {
        let model: String
        let scope: MediaSearchScope
    }

    public init(catalog: CatalogDatabase, embedder: (any QueryEmbedder)?, settings: Settings = Settings()) {
        self.catalog = catalog
        self.embedder = embedder
        self.settings = settings
        cache = QueryEmbeddingCache(capacity: settings.cachedQueries)
        background = BackgroundSamples(
            catalog: catalog, size: settings.backgroundSample, lifetime: settings.backgroundLifetime)
        scopeSizes = KeptValues(lifetime: settings.scopeEstimateLifetime)
    }

    public func search(_ request: MediaSearchRequest) async throws -> MediaSearchOutcome {
        let started = ContinuousClock.now
        var timing = SearchTiming()
        var unavailable: [SearchSignal: String] = [:]
        let scope = request.searchedScope
        let model = embedder?.model
        let encoderReady = embedder.map { $0.unavailableReason == nil } ?? false
        let served = request.cursor?.served ?? 0
        // Candidates each signal contributes. Unfiltered, 200: the words' lists are ordered by CLIP
        // similarity only where the read met the medium (bench/search/fusion.sh, nDCG@10: 0.866
        // with 200, 0.861 with 100, 0.834 with 40), and later pages need room; they cost about
        // 2-2.5 times 10 rows (bench/search at 1M: 8.4-10.3 against 4.0 ms p50). Under a filter the
        // iterative scan reads about 1/selectivity index entries per row (a 1% filter: 200 rows
        // took 220 ms), so it asks for four rows per result shown (recall@10 0.94).
        let depth =
            scope.isFiltered
            ? min(settings.maximumDepth, 4 * (served + request.limit))
            : min(settings.maximumDepth, max(200, (served + request.limit) * 2))

        // What does not need the query's vector is asked for while it is encoded: the words'
        // look-ups and the planner's estimate of the scope (kept a while per scope). A typed query
        // then costs its encoding, the vector read and the page's description, one after the other.
        async let wordLists = timedWordSignals(request.query, scope: scope, depth: depth)
        async let expected = expectedVectors(model: model, scope: scope)

        // 1. The query's vector.
        var vector: [Float]?
        let encodeStart = ContinuousClock.now
        switch request.query {
        case .text(let text):
            if let embedder, encoderReady {
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
            guard let embedder, encoderReady else {
                throw MediaSearchError.modelUnavailable(embedder?.unavailableReason ?? "no CLIP model is configured")
            }
            vector = try await embedder.embed(image: bytes)
        case .similar(let id):
            guard let embedder, let stored = try await catalog.embeddings.vector(of: id, model: embedder.model) else {
                throw MediaSearchError.notEmbedded(id)
            }
            vector = stored
        }
        timing.encode = Self.milliseconds(since: encodeStart)

        // 2. The nearest stored vectors, and the floor CLIP-only results must reach.
        var clipMatches: [VectorMatch] = []
        var scan: VectorScan?
        var cutoff: RelevanceCutoff.Outcome?
        var floor = request.minimumSimilarity
        if let vector, let model {
            let vectorStart = ContinuousClock.now
            // The background sample is kept for minutes: read alongside the vectors when it is not.
            async let sample =
                request.cutoff == .adaptive
                ? background.vectors(owner: scope.owner, model: model, dimensions: vector.count) : []
            let found = try await catalog.mediaSearch.nearest(
                to: vector, model: model, scope: scope, depth: depth, expected: try await expected,
                tuning: settings.tuning)
            clipMatches = found.matches
            scan = found.scan
            if request.cutoff == .adaptive {
                let outcome = settings.cutoff.calibrate(try await sample.map { Self.cosine($0, vector) })
                cutoff = outcome
                if case .applied(let similarity, _, _, _) = outcome { floor = max(floor ?? -1, similarity) }
            }
            timing.vector = Self.milliseconds(since: vectorStart)
        }

        // 3. The words' signals (typed queries only), asked for at the start.
        let (lists, wordsTime) = try await wordLists
        timing.text = wordsTime

        // 4. One ranking.
        let fusionStart = ContinuousClock.now
        var best: [UUID: Double] = [:]
        for match in clipMatches where match.similarity > best[match.assetID] ?? -2 {
            best[match.assetID] = match.similarity
        }
        let clipRanking = best.filter { $0.value >= (floor ?? -2) }
            .sorted { ($0.value, $1.key) > ($1.value, $0.key) }.map(\.key)
        var fusion = RankFusion<UUID>()
        if vector != nil { fusion.add(.clip, clipRanking) }
        for (signal, items) in lists.ranked { fusion.add(signal, Self.inCLIPOrder(items, best)) }
        let fused = fusion.fused(tieBreak: <)
        let page = try await self.page(fused, request: request)
        timing.fusion = Self.milliseconds(since: fusionStart)

        // 5. The page, described.
        let described = try await describe(page.items, vector: vector, lists: lists, floor: floor)
        timing.total = Self.milliseconds(since: started)
        return MediaSearchOutcome(
            hits: described, cutoff: cutoff, floor: floor, unavailable: unavailable, timing: timing, scan: scan,
            next: page.next)
    }

    /// The planner's estimate of the vectors of `model` in `scope`, kept a while per scope.
    func expectedVectors(model: String?, scope: MediaSearchScope) async throws -> Double {
        guard let model else { return 0 }
        return try await scopeSizes.value(ScopeKey(model: model, scope: scope)) {
            try await catalog.mediaSearch.expectedVectors(model: model, scope: scope)
        }
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

    /// Sixteen lanes at a time: the cut-off compares the query with hundreds of sampled vectors
    /// on every query, and a scalar loop is one long chain of dependent additions.
    static func cosine(_ a: [Float], _ b: [Float]) -> Double {
        guard a.count == b.count else { return 0 }
        var dot = SIMD16<Float>()
        var normA = SIMD16<Float>()
        var normB = SIMD16<Float>()
        let whole = a.count / 16 * 16
        a.withUnsafeBytes { a in
            b.withUnsafeBytes { b in
                for offset in stride(from: 0, to: whole * 4, by: 64) {
                    let x = a.loadUnaligned(fromByteOffset: offset, as: SIMD16<Float>.self)
                    let y = b.loadUnaligned(fromByteOffset: offset, as: SIMD16<Float>.self)
                    dot += x * y
                    normA += x * x
                    normB += y * y
                }
            }
        }
        var (sumDot, sumA, sumB) = (dot.sum(), normA.sum(), normB.sum())
        for index in whole..<a.count {
            sumDot += a[index] * b[index]
            sumA += a[index] * a[index]
            sumB += b[index] * b[index]
        }
        let norms = (sumA * sumB).squareRoot()
        return norms > 0 ? Double(sumDot / norms) : 0
    }

    static func milliseconds(since start: ContinuousClock.Instant) -> Double {
        let elapsed = start.duration(to: .now)
        return (Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15)
    }
}
