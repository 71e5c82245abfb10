import Catalog

/// The stages of an asset as a graph, and the keyed tasks beside them: what a worker process
/// can run. Every asset starts at the one root stage, which applies to every kind, so ingest
/// need not know kinds; completing a stage enqueues every stage whose requirements are then all
/// done or skipped. A stage that is not for the asset's kind (`ProcessingStage.kinds`) is
/// skipped by the graph: it has no job row, and counts as skipped wherever it is required.
public struct Pipeline: Sendable {
    /// In an order where every stage comes after the stages it requires.
    public let stages: [any ProcessingStage]
    public let tasks: [any TaskHandler]
    /// Per kind, per stage: what it requires once the stages not for the kind are looked through.
    private let requirementsByKind: [AssetKind: [String: [String]]]

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
            for kind in AssetKind.allCases where !stage.kinds.contains(kind) {
                precondition(stage.skipReason(for: kind) != nil, "stage \(stage.name) says no reason to skip \(kind)")
            }
        }
        let roots = stages.filter(\.requires.isEmpty)
        precondition(roots.count == 1, "a pipeline has exactly one root stage, not \(roots.map(\.name))")
        precondition(
            AssetKind.allCases.allSatisfy { roots[0].kinds.contains($0) && roots[0].skipReason(for: $0) == nil },
            "the root stage applies to every kind")
        self.stages = Self.topologicallySorted(stages)
        self.tasks = tasks
        let kindsByName = Dictionary(uniqueKeysWithValues: stages.map { ($0.name, $0.kinds) })
        var requirementsByKind: [AssetKind: [String: [String]]] = [:]
        for kind in AssetKind.allCases {
            var requirements: [String: [String]] = [:]
            // In graph order, so a stage's requirements are known before its dependants ask.
            for stage in self.stages {
                var found: [String] = []
                for name in stage.requires {
                    let lookedThrough = kindsByName[name]?.contains(kind) == false
                    for name in lookedThrough ? requirements[name] ?? [] : [name] where !found.contains(name) {
                        found.append(name)
                    }
                }
                requirements[stage.name] = found
            }
            requirementsByKind[kind] = requirements
        }
        self.requirementsByKind = requirementsByKind
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
    /// enqueued, or skipped when it cannot run now (and then its own dependants are considered).
    /// Stages not for the kind are looked through: their dependants require what they require.
    /// Dependants are visited in graph order and the states updated as they are decided, so a
    /// stage that requires a stage enqueued here waits for it instead of running on old results.
    public func followUps(after completed: String, kind: AssetKind, states: [String: JobState]) -> [FollowUp] {
        var states = states
        // Stages whose dependants may be due now: the completed one, and those skipped here.
        var settled: Set<String> = [completed]
        var followUps: [FollowUp] = []
        for stage in stages where stage.kinds.contains(kind) {
            let requirements = requirements(of: stage, for: kind)
            guard requirements.contains(where: settled.contains),
                states[stage.name].map({ !$0.isOpen }) ?? true,
                requirements.allSatisfy({ states[$0]?.satisfiesDependants ?? false })
            else { continue }
            if let reason = stage.skipReason(for: kind) {
                followUps.append(FollowUp(stage: stage.name, version: stage.version, skipReason: reason))
                states[stage.name] = .skipped
                settled.insert(stage.name)
            } else {
                followUps.append(FollowUp(stage: stage.name, version: stage.version))
                states[stage.name] = .queued
            }
        }
        return followUps
    }

    /// The stage rows of a JSON document the ingest placed itself: the root done, then what its
    /// completion would plan (stages for JSON queued, or skipped while they cannot run; the
    /// stages not for JSON have no row). Nil when the root stage's work is not one the ingest
    /// does (`isDoneByIngestForPlacedDocuments`).
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

    /// The stages an asset of `kind` must have finished before `stage` runs: its requirements,
    /// with each one skipped by the graph for that kind replaced by that one's own requirements.
    public func requirements(of stage: any ProcessingStage, for kind: AssetKind) -> [String] {
        requirementsByKind[kind]?[stage.name] ?? stage.requires
    }

    /// An item's stages as its status shows them, in graph order: its job rows, and the stages
    /// its kind skips, which have none, once what they require is done or skipped (where a
    /// completion would have recorded them, when they were rows). A row of a stage no longer in
    /// the graph comes last.
    public func shownStages(of item: IngestStatus.Item) -> [IngestStatus.Stage] {
        var rows = Dictionary(item.stages.map { ($0.name, $0) }) { first, _ in first }
        let states = rows.mapValues(\.state)
        var shown: [IngestStatus.Stage] = []
        for stage in stages {
            if let row = rows.removeValue(forKey: stage.name) {
                shown.append(row)
            } else if !stage.kinds.contains(item.kind),
                requirements(of: stage, for: item.kind).allSatisfy({ states[$0]?.satisfiesDependants ?? false })
            {
                shown.append(
                    IngestStatus.Stage(
                        name: stage.name, state: .skipped, version: stage.version, attempts: 0,
                        reason: stage.skipReason(for: item.kind)))
            }
        }
        return shown + item.stages.filter { rows[$0.name] != nil }
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
