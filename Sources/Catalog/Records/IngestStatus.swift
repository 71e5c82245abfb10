import Foundation

public enum JobState: String, Sendable, Codable {
    case queued, processing, done, failed, dead
}

/// The processing state of every item of one ingest request.
public struct IngestStatus: Sendable {
    public struct Item: Sendable {
        public let assetID: UUID
        /// How many times the request sent these bytes.
        public let copies: Int
        public let assetStatus: AssetStatus
        public let stage: String?
        public let jobState: JobState?
        public let error: String?

        /// What the client sees: a ready asset is done whatever job ran last; dead counts as failed.
        public var state: JobState {
            switch assetStatus {
            case .ready: return .done
            case .failed: return .failed
            case .stored, .processing:
                switch jobState {
                case .dead, .failed: return .failed
                case .processing, .done: return .processing
                case .queued, nil: return .queued
                }
            }
        }
    }

    public let requestID: UUID
    public let owner: String
    public let items: [Item]

    public enum Overall: String, Sendable {
        case accepted, processing, done, partial, failed
    }

    public var overall: Overall {
        let states = items.map(\.state)
        if states.allSatisfy({ $0 == .queued }) { return .accepted }
        if states.contains(where: { $0 == .queued || $0 == .processing }) { return .processing }
        if states.allSatisfy({ $0 == .done }) { return .done }
        if states.allSatisfy({ $0 == .failed }) { return .failed }
        return .partial
    }
}
