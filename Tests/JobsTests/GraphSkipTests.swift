import Foundation
import Jobs
import Testing

@testable import Catalog
@testable import TestSupport

/// Stages that are not for an asset's kind are skipped by the graph itself: no follow-up, no
/// row, and their dependants wait for what they require instead (pure: no database).
@Suite struct GraphSkipTests {
    /// `pixels` is not for documents; `shape` is for every kind; `both` requires the two.
    static let graph = Pipeline(stages: [
        TestStage(name: "first", log: StageLog()),
        TestStage(name: "pixels", requires: ["first"], skippedKinds: [.json], log: StageLog()),
        TestStage(name: "shape", requires: ["first"], log: StageLog()),
        TestStage(name: "both", requires: ["pixels", "shape"], log: StageLog()),
        TestStage(name: "late", requires: ["shape"], log: StageLog()),
        TestStage(name: "afterPixels", requires: ["pixels"], log: StageLog()),
    ])

    func names(_ followUps: [FollowUp]) -> [String] { followUps.map(\.stage) }

    @Test func aStageNotForTheKindIsLookedThroughToWhatItRequires() {
        let stage = { (name: String) in Self.graph.stage(named: name)! }
        #expect(Self.graph.requirements(of: stage("both"), for: .json) == ["first", "shape"])
        #expect(Self.graph.requirements(of: stage("both"), for: .image) == ["pixels", "shape"])
        #expect(Self.graph.requirements(of: stage("afterPixels"), for: .json) == ["first"])
        // Two in a row not for documents: looked through both.
        let chain = Pipeline(stages: [
            TestStage(name: "first", log: StageLog()),
            TestStage(name: "pixels", requires: ["first"], skippedKinds: [.json], log: StageLog()),
            TestStage(name: "thumbs", requires: ["pixels"], skippedKinds: [.json], log: StageLog()),
            TestStage(name: "after", requires: ["thumbs"], log: StageLog()),
        ])
        #expect(chain.requirements(of: chain.stage(named: "after")!, for: .json) == ["first"])
        #expect(chain.followUps(after: "first", kind: .json, states: ["first": .done]).map(\.stage) == ["after"])
        #expect(chain.followUps(after: "first", kind: .image, states: ["first": .done]).map(\.stage) == ["pixels"])
    }

    @Test func aDocumentGetsNoFollowUpForAStageNotForItsKindAndItsDependantsWaitForTheRest() {
        let afterFirst = Self.graph.followUps(after: "first", kind: .json, states: ["first": .done])
        // `both` still waits for `shape`; `afterPixels` requires only `first` once `pixels` is
        // looked through.
        #expect(names(afterFirst) == ["shape", "afterPixels"])
        #expect(afterFirst.allSatisfy { $0.skipReason == nil })
        let afterShape = Self.graph.followUps(
            after: "shape", kind: .json, states: ["first": .done, "shape": .done, "afterPixels": .queued])
        #expect(names(afterShape) == ["both", "late"])
    }

    @Test func anImageRunsEveryStageInGraphOrder() {
        let afterFirst = Self.graph.followUps(after: "first", kind: .image, states: ["first": .done])
        #expect(names(afterFirst) == ["pixels", "shape"])
        let afterPixels = Self.graph.followUps(
            after: "pixels", kind: .image, states: ["first": .done, "pixels": .done, "shape": .processing])
        #expect(names(afterPixels) == ["afterPixels"])
    }

    /// A stage that cannot run now is a row, `skipped` with its reason, and its dependants go on;
    /// one not for the kind is looked through. The two side by side, for an image and a document.
    @Test func aStageSkippedForNowIsAFollowUpWhileOneNotForTheKindIsLookedThrough() {
        let graph = Pipeline(stages: [
            TestStage(name: "first", log: StageLog()),
            TestStage(name: "pixels", requires: ["first"], skippedKinds: [.json], log: StageLog()),
            TestStage(name: "model", requires: ["pixels"], unavailableKinds: [.image, .json], log: StageLog()),
            TestStage(name: "last", requires: ["model"], log: StageLog()),
        ])
        let image = graph.followUps(
            after: "pixels", kind: .image, states: ["first": .done, "pixels": .done])
        #expect(image.map(\.stage) == ["model", "last"])
        #expect(image[0].skipReason == "model cannot run for image assets now")
        #expect(image[1].skipReason == nil)
        let document = graph.followUps(after: "first", kind: .json, states: ["first": .done])
        #expect(document.map(\.stage) == ["model", "last"])
        #expect(document[0].skipReason == "model cannot run for json assets now")
    }

    @Test func theStatusShowsTheStagesTheKindSkipsInGraphOrderWithTheirReason() {
        let row = { (name: String) in
            IngestStatus.Stage(name: name, state: .done, version: "1", attempts: 1, reason: nil)
        }
        let item = IngestStatus.Item(
            assetID: UUID(), kind: .json, copies: 1, assetStatus: .ready,
            stages: [row("first"), row("shape"), row("afterPixels"), row("both"), row("late"), row("retired")])
        let shown = Self.graph.shownStages(of: item)
        #expect(shown.map(\.name) == ["first", "pixels", "shape", "both", "late", "afterPixels", "retired"])
        #expect(shown[1].state == .skipped)
        #expect(shown[1].reason == "pixels does not apply to json assets")
        #expect(shown[1].attempts == 0)
        // An asset recorded with a row for it (before the graph skipped such stages) shows its row.
        let recorded = IngestStatus.Item(
            assetID: UUID(), kind: .json, copies: 1, assetStatus: .ready,
            stages: [
                row("first"),
                IngestStatus.Stage(name: "pixels", state: .skipped, version: "0", attempts: 0, reason: "old"),
            ])
        #expect(Self.graph.shownStages(of: recorded).filter { $0.name == "pixels" }.map(\.version) == ["0"])
        // Until what it requires is done, a stage the kind skips is not shown, as its row would
        // not have been written yet.
        let waiting = IngestStatus.Item(
            assetID: UUID(), kind: .json, copies: 1, assetStatus: .stored,
            stages: [IngestStatus.Stage(name: "first", state: .queued, version: "1", attempts: 0, reason: nil)])
        #expect(Self.graph.shownStages(of: waiting).map(\.name) == ["first"])
    }
}
