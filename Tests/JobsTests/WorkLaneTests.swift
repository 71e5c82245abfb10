import Catalog
import Foundation
import Testing

@testable import Jobs
@testable import TestSupport

/// Worker concurrency per work class, and workers that take only some stages.
@Suite struct WorkLaneTests {
    struct Handler: TaskHandler {
        let kind = "pass"
        var workClass: WorkClass { .compute }
        func run(key: String, payload: JSONValue) async throws -> JSONValue { [:] }
    }

    static func pipeline(_ log: StageLog) -> Pipeline {
        var heavy = TestStage(name: "heavy", requires: ["light"], log: log)
        heavy.workClass = .compute
        return Pipeline(stages: [TestStage(name: "light", log: log), heavy], tasks: [Handler()])
    }

    @Test func eachClassGetsItsOwnLaneAndOnlyTheChosenStages() throws {
        let pipeline = Self.pipeline(StageLog())
        var configuration = WorkerConfiguration(concurrency: 3)
        configuration.classConcurrency = try WorkerConfiguration.parseClassConcurrency("compute=1")
        let lanes = WorkerPool.lanes(of: pipeline, configuration: configuration)
        #expect(lanes.map(\.workClass) == [.standard, .compute])
        #expect(lanes.map(\.names) == [["light"], ["heavy", "pass"]])
        #expect(lanes.map(\.workers) == [3, 1])

        configuration.onlyStages = ["heavy"]
        let only = WorkerPool.lanes(of: pipeline, configuration: configuration)
        #expect(only.map(\.names) == [["heavy"]])
        #expect(throws: WorkerConfiguration.InvalidSetting.self) {
            try WorkerConfiguration.parseClassConcurrency("compute")
        }
    }

    @Test func aWorkerThatTakesOnlySomeStagesLeavesTheRestQueued() async throws {
        try await withCatalog { catalog, _ in
            let log = StageLog()
            let ids = try await recordAssets(
                2, kind: .json, in: catalog, root: StageReference(name: "light", version: "1"))
            try await withWorkers(catalog, Self.pipeline(log), configure: { $0.onlyStages = ["light"] }) {
                try await eventually("light to run for both") { log.all.count == 2 }
                try await eventually("heavy to be queued for both") {
                    let jobs = try await catalog.jobs.list(state: .queued, limit: 10)
                    return jobs.filter { $0.stage == "heavy" }.count == 2
                }
            }
            #expect(log.all.allSatisfy { $0.stage == "light" })
            try await withWorkers(catalog, Self.pipeline(log), configure: { $0.onlyStages = ["heavy"] }) {
                try await eventually("heavy to run on the specialised worker") {
                    ids.allSatisfy { !log.runs(of: "heavy", for: $0).isEmpty }
                }
            }
        }
    }
}
