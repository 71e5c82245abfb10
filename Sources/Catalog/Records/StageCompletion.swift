import Foundation

/// One finished stage of an asset, to be recorded by `JobRepository.complete(_:actor:)`.
public struct StageCompletion: Sendable {
    public let job: ClaimedJob
    /// The stage version that made the result.
    public let version: String
    public let output: StageOutput
    public let followUps: FollowUpPlanner

    public init(job: ClaimedJob, version: String, output: StageOutput, followUps: @escaping FollowUpPlanner) {
        guard case .asset = job.subject else {
            preconditionFailure("a stage completion is for an asset's stage; tasks use completeTask")
        }
        self.job = job
        self.version = version
        self.output = output
        self.followUps = followUps
    }

    var assetID: UUID {
        guard case .asset(let id) = job.subject else { preconditionFailure("checked in init") }
        return id
    }

    /// The batch split so that no round holds two stages of one asset: the first of each asset's
    /// stages in the first round, the second in the second, and so on.
    static func rounds(_ batch: [StageCompletion]) -> [[StageCompletion]] {
        var rounds: [[StageCompletion]] = []
        var seen: [UUID: Int] = [:]
        for completion in batch {
            let round = seen[completion.assetID, default: 0]
            seen[completion.assetID] = round + 1
            if round == rounds.count { rounds.append([]) }
            rounds[round].append(completion)
        }
        return rounds
    }
}
