import Foundation

public enum JobState: String, Sendable, Codable {
    case queued, processing, done, failed, dead
    /// The stage does not apply to the asset: not for its kind (the graph says so, without a
    /// job row), or it cannot run now (no model installed; the reason is kept on the job).
    case skipped

    /// Still to run or running.
    public var isOpen: Bool { self == .queued || self == .processing }
    /// Ended without a result and will not be tried again by itself.
    public var isFailure: Bool { self == .failed || self == .dead }
    /// Its dependants may run.
    public var satisfiesDependants: Bool { self == .done || self == .skipped }
}

/// The processing state of every item of one ingest request.
public struct IngestStatus: Sendable {
    /// One stage of one item, as the queue holds it.
    public struct Stage: Sendable, Equatable {
        public let name: String
        public let state: JobState
        public let version: String
        public let attempts: Int
        /// Why it failed (the last error), or why it was skipped.
        public let reason: String?

        public init(name: String, state: JobState, version: String, attempts: Int, reason: String?) {
            self.name = name
            self.state = state
            self.version = version
            self.attempts = attempts
            self.reason = reason
        }
    }

    public struct Item: Sendable {
        public let assetID: UUID
        public let kind: AssetKind
        /// How many times the request sent these bytes.
        public let copies: Int
        public let assetStatus: AssetStatus
        /// Every stage the asset has reached so far (its job rows), in the order they were first
        /// enqueued. The stages its kind skips have no row (`Pipeline.shownStages(of:)`).
        public let stages: [Stage]

        /// What the client sees: a ready asset is done; a failed one failed; otherwise it is
        /// processing once any stage has started.
        public var state: JobState {
            switch assetStatus {
            // Purged after it was processed: its request was done.
            case .ready, .purged: return .done
            case .failed: return .failed
            case .stored, .processing:
                if stages.contains(where: \.state.isFailure) { return .failed }
                return stages.contains { $0.state != .queued } ? .processing : .queued
            }
        }

        /// The reason of the first failed stage.
        public var error: String? { stages.first(where: \.state.isFailure)?.reason }
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
