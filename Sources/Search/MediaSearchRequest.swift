import Catalog
import Foundation

/// One media search: what is asked, within which media, in which order, which page.
public struct MediaSearchRequest: Sendable {
    public enum Query: Sendable {
        case text(String)
        /// An image's bytes, embedded for the query only.
        case image([UInt8])
        /// A stored medium's own vector (`similar_to`); the medium is not a result.
        case similar(to: UUID)
    }

    public enum Sort: String, Sendable, CaseIterable {
        case relevance, date
    }

    public enum Cutoff: Sendable, Equatable {
        /// Calibrated on the query's own similarity to a sample of the library.
        case adaptive
        case none
    }

    public var query: Query
    public var scope: MediaSearchScope
    public var sort: Sort
    public var limit: Int
    public var cursor: SearchCursor?
    public var cutoff: Cutoff
    /// A fixed floor on CLIP similarity, on top of (or instead of) the adaptive one.
    public var minimumSimilarity: Double?

    public init(
        query: Query, scope: MediaSearchScope, sort: Sort = .relevance, limit: Int = 10, cursor: SearchCursor? = nil,
        cutoff: Cutoff = .adaptive, minimumSimilarity: Double? = nil
    ) {
        self.query = query
        self.scope = scope
        self.sort = sort
        self.limit = limit
        self.cursor = cursor
        self.cutoff = cutoff
        self.minimumSimilarity = minimumSimilarity
    }

    /// The media searched: the scope, less the medium a `similar_to` search starts from.
    var searchedScope: MediaSearchScope {
        var searched = scope
        if case .similar(let id) = query { searched.excluding = id }
        return searched
    }
}

/// What a search found, with how: the cut-off, the signals that could not take part, the time
/// each step took, and the cursor of the next page.
public struct MediaSearchOutcome: Sendable {
    public let hits: [MediaHit]
    /// Nil when CLIP took no part (no model, or a words-only query).
    public let cutoff: RelevanceCutoff.Outcome?
    /// The floor results matched by CLIP alone had to reach (adaptive or fixed), if any.
    public let floor: Double?
    /// Signals that could not take part, with the reason (CLIP without a model).
    public let unavailable: [SearchSignal: String]
    public let timing: SearchTiming
    public let scan: VectorScan?
    public let next: SearchCursor?
}

public struct MediaHit: Sendable {
    public let result: SearchedAsset
    /// The fused score: higher is better; comparable within one response only.
    public let score: Double
    /// CLIP cosine similarity of the query and the medium (a video: its best moment), when it has
    /// a vector of the model.
    public let similarity: Double?
    public let matched: [SearchSignal]
    /// Why, per signal, in words.
    public let reasons: [String]
    /// A video's best-matching segments, best first.
    public let moments: [VectorMatch]
}

/// Milliseconds per step; `encodeCached` when the query's vector came from the cache.
public struct SearchTiming: Sendable, Equatable {
    public var encode: Double = 0
    public var encodeCached = false
    public var vector: Double = 0
    public var text: Double = 0
    public var fusion: Double = 0
    public var total: Double = 0
}

/// Errors a caller can do something about.
public enum MediaSearchError: Error, Equatable {
    /// An image query needs the model, and there is none.
    case modelUnavailable(String)
    /// `similar_to` a medium with no vector of the model (not embedded yet, or not media).
    case notEmbedded(UUID)
    /// The uploaded image could not be decoded.
    case undecodable(String)
}
