import Catalog

/// The stages of an asset as a graph, and the keyed tasks beside them: what a worker process
/// can run. Every asset starts at the one root stage, which applies to every kind, so ingest
/// need not know kinds; completing a stage enqueues every stage whose requirements are then all
/// done or skipped.
public struct Pipeline: Sendable {
    /// In an order where every stage comes after the stages it requires.
    public let stages: [any ProcessingStage]
    public let tasks: [any TaskHandler]
    private let dependants: [String: [String]]

    public init(stages: [any ProcessingStage], tasks: [any TaskHandler] = []) {
        let names = stages.map(\.name)
        precondition(Set(names).count == names.count, "stage names must be unique")
        precondition(
            Set(tasks.map(\.kind)).isDisjoint(with: names) && Set(tasks.map(\.kind)).count == tasks.count,
            "task kinds must be unique and differ from stage names")
        for stage in stages {
            for required in stage.requires {
                precondition(names.contains(required), "stage \(stage.name) requires unknown stage \(required)")
            }
        }
        let roots = stages.filter(\.requires.isEmpty)
        precondition(roots.count == 1, "a pipeline has exactly one root stage, not \(roots.map(\.name))")
        precondition(
            AssetKind.allCases.allSatisfy { roots[0].skipReason(for: $0) == nil },
            "the root stage applies to every kind")
        self.stages = Self.topologicallySorted(stages)
        self.tasks = tasks
        var dependants: [String: [String]] = [:]
        for stage in self.stages {
            for required in stage.requires { dependants[required, default: []].append(stage.name) }
        }
        self.dependants = dependants
    }

    public var root: any ProcessingStage { stages[0] }

    public func stage(named name: String) -> (any ProcessingStage)? {
        stages.first { $0.name == name }
    }

    public func task(kind: String) -> (any TaskHandler)? {
        tasks.first { $0.kind == kind }
    }

    /// Stage names and task kinds of one work class, for a lane's claims.
    public func names(in workClass: WorkClass, among allowed: Set<String>? = nil) -> [String] {
        let names =
            stages.filter { $0.workClass == workClass }.map(\.name)
            + tasks.filter { $0.workClass == workClass }.map(\.kind)
        return names.filter { allowed?.contains($0) ?? true }
    }

    public var workClasses: [WorkClass] {
        var seen: [WorkClass] = []
        for workClass in stages.map(\.workClass) + tasks.map(\.workClass) where !seen.contains(workClass) {
            seen.append(workClass)
        }
        return seen
    }

    /// What follows the completion of `completed` for an asset of `kind`, given every stage's
    /// state (with `completed` done). A dependant whose requirements are all done or skipped is
    /// enqueued, or skipped when it does not apply (and then its own dependants are considered).
    /// Dependants are visited in graph order and the states updated as they are decided, so a
    /// stage that requires a stage enqueued here waits for it instead of running on old results.
    public func followUps(after completed: String, kind: AssetKind, states: [String: JobState]) -> [FollowUp] {
        var states = states
        var candidates = Set(dependants[completed] ?? [])
        var followUps: [FollowUp] = []
        for stage in stages where candidates.contains(stage.name) {
            guard states[stage.name].map({ !$0.isOpen }) ?? true,
                stage.requires.allSatisfy({ states[$0]?.satisfiesDependants ?? false })
            else { continue }
            if let reason = stage.skipReason(for: kind) {
                followUps.append(FollowUp(stage: stage.name, version: stage.version, skipReason: reason))
                states[stage.name] = .skipped
                candidates.formUnion(dependants[stage.name] ?? [])
            } else {
                followUps.append(FollowUp(stage: stage.name, version: stage.version))
                states[stage.name] = .queued
            }
        }
        return followUps
    }

    /// The stage rows of a JSON document the ingest placed itself: the root done, then what its
    /// completion would plan (stages skipped for JSON, or queued). Nil when the root stage's
    /// work is not one the ingest does (`isDoneByIngestForPlacedDocuments`).
    public var stagesSettledAtIngest: [InitialStage]? {
        guard root.isDoneByIngestForPlacedDocuments else { return nil }
        let followUps = followUps(after: root.name, kind: .json, states: [root.name: .done])
        return [InitialStage(root.reference, state: .done)]
            + followUps.map {
                InitialStage(
                    StageReference(name: $0.stage, version: $0.version),
                    state: $0.skipReason == nil ? .queued : .skipped,
                    skipReason: $0.skipReason)
            }
    }

    /// Kahn's algorithm, keeping the declared order among stages that are ready together.
    private static func topologicallySorted(_ stages: [any ProcessingStage]) -> [any ProcessingStage] {
        var sorted: [any ProcessingStage] = []
        var placed = Set<String>()
        var remaining = stages
        while !remaining.isEmpty {
            guard let next = remaining.firstIndex(where: { Set($0.requires).isSubset(of: placed) }) else {
                preconditionFailure("the stage graph has a cycle among \(remaining.map(\.name))")
            }
            placed.insert(remaining[next].name)
            sorted.append(remaining.remove(at: next))
        }
        return sorted
    }
}
