import Catalog
import Foundation

extension StageReference {
    /// The root stage of the standard pipeline, as the foundation's queue tests enqueue it.
    static let verify = StageReference(name: "verify", version: "1")
}

extension JobRepository {
    /// Claims among the standard pipeline's one stage.
    func claim(worker: String, lease: Duration) async throws -> ClaimedJob? {
        try await claim(worker: worker, lease: lease, stages: ["verify"])
    }

    /// Completes an asset's stage with no follow-ups.
    func complete(_ job: ClaimedJob, metadata: JSONValue, actor: String) async throws {
        try await complete(
            job, version: "1", output: StageOutput(metadata: metadata), actor: actor, followUps: { _ in [] })
    }
}

extension ClaimedJob {
    var assetID: UUID {
        guard case .asset(let id) = subject else { preconditionFailure("job \(id) is a task") }
        return id
    }
}
