/// `GET` and `POST /api/v1/search`.
public struct SearchResponse: Codable, Sendable, Equatable {
    public struct Moment: Codable, Sendable, Equatable {
        public let segment: Int
        public let start_seconds: Double
        public let end_seconds: Double
        public let similarity: Double
        public let frame_url: String

        public init(segment: Int, start_seconds: Double, end_seconds: Double, similarity: Double, frame_url: String) {
            self.segment = segment
            self.start_seconds = start_seconds
            self.end_seconds = end_seconds
            self.similarity = similarity
            self.frame_url = frame_url
        }
    }

    public struct CollectionRef: Codable, Sendable, Equatable {
        public let id: String
        public let name: String

        public init(id: String, name: String) {
            self.id = id
            self.name = name
        }
    }

    /// A medium (`type` media) or a JSON document (`type` json).
    public struct Result: Codable, Sendable, Equatable {
        public let type: String
        public let id: String
        /// Media: where the file is in the folder view (follows every move).
        public var uri: String?
        public var kind: String?
        public var tags: [String]?
        /// CLIP cosine similarity to the query (media with a vector of the model).
        public var similarity: Double?
        /// The fused score: higher is better, comparable within one response.
        public let score: Double
        public let matched: [String]
        public let why: [String]
        public var taken_at: String?
        public var thumbnail_url: String?
        public var content_url: String?
        public var moments: [Moment]?
        public var collection: CollectionRef?
        public var path: String?
        public var snippet: String?

        public init(type: String, id: String, score: Double, matched: [String], why: [String]) {
            self.type = type
            self.id = id
            self.score = score
            self.matched = matched
            self.why = why
        }
    }

    public struct Cutoff: Codable, Sendable, Equatable {
        public let applied: Bool
        /// The floor CLIP-only results had to reach.
        public var similarity: Double?
        /// `adaptive` (calibrated on this query), `fixed` (`min_similarity`) or `none`.
        public let method: String
        public var background_median: Double?
        public var background_spread: Double?
        public var background_sample: Int?
        public var reason: String?

        public init(applied: Bool, method: String) {
            self.applied = applied
            self.method = method
        }
    }

    public struct Timing: Codable, Sendable, Equatable {
        public let encode_ms: Double
        public let encode_cached: Bool
        public let vector_ms: Double
        public let text_ms: Double
        public let fusion_ms: Double
        public let total_ms: Double
        /// `index` (HNSW) or `exact`, when vectors were searched.
        public let vector_scan: String?

        public init(
            encode_ms: Double, encode_cached: Bool, vector_ms: Double, text_ms: Double, fusion_ms: Double,
            total_ms: Double, vector_scan: String?
        ) {
            self.encode_ms = encode_ms
            self.encode_cached = encode_cached
            self.vector_ms = vector_ms
            self.text_ms = text_ms
            self.fusion_ms = fusion_ms
            self.total_ms = total_ms
            self.vector_scan = vector_scan
        }
    }

    public let type: String
    public let results: [Result]
    public let cutoff: Cutoff?
    /// Signals that could not take part, with why (`clip` without a model).
    public let unavailable: [String: String]?
    public let timing: Timing
    public let next_cursor: String?
    /// With `keep=true`: the id the uploaded query image was stored under.
    public let kept_id: String?

    public init(
        type: String, results: [Result], cutoff: Cutoff?, unavailable: [String: String]?, timing: Timing,
        next_cursor: String?, kept_id: String? = nil
    ) {
        self.type = type
        self.results = results
        self.cutoff = cutoff
        self.unavailable = unavailable
        self.timing = timing
        self.next_cursor = next_cursor
        self.kept_id = kept_id
    }
}
