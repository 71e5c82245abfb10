extension DecisionWalk {
    /// An approved column stays, with its name, whatever its presence: a column is never
    /// dropped automatically. Below `promotePresence` it is kept without comment on flapping
    /// (hysteresis), below `demotePresence` the reason flags it for an admin. Its type only
    /// changes to a wider one that holds what the data now are (`bigint` → `double precision`
    /// when floats arrive); a change to `jsonb` is only proposed when the approved type holds
    /// less than the dominance share, since `jsonb` holds everything but types nothing.
    mutating func keepApproved(_ column: TableLayout.Column) {
        visitedApproved.insert(column.path)
        let path = column.path
        let stats = paths[path] ?? PathStatistics()
        let elements = paths[path + ["[]"]]
        let presence = presence(path)
        let choice = choice(path)
        let coverage = TypeLattice.coverage(of: column.type, path: stats, elements: elements)
        var type = column.type
        if stats.nonNull > 0 {
            let dominates = choice.dominant != nil && choice.share + 1e-12 >= thresholds.dominantType
            let joined = TypeLattice.join(column.type, dominates ? choice.type : .jsonb)
            if joined != column.type && (joined != .jsonb || coverage + 1e-12 < thresholds.dominantType) {
                type = joined
            }
        }
        planned.append(
            PlannedColumn(
                path: path, type: type, notNull: column.notNull, presence: presence, approvedName: column.name))
        pending.append(approvedReason(column, newType: type, presence: presence, choice: choice, coverage: coverage))
    }

    private func approvedReason(
        _ column: TableLayout.Column, newType: ColumnType, presence: Double, choice: TypeChoice, coverage: Double
    ) -> PendingReason {
        let stats = paths[column.path]
        var parts = ["present in \(ReasonFormatting.percent(presence))"]
        let belowDemotion = presence + 1e-12 < thresholds.demotePresence
        if belowDemotion {
            parts.append("below the \(ReasonFormatting.percent(thresholds.demotePresence)) demotion threshold")
        } else if presence + 1e-12 < thresholds.promotePresence {
            parts.append(
                "under \(ReasonFormatting.percent(thresholds.promotePresence)) but above the "
                    + "\(ReasonFormatting.percent(thresholds.demotePresence)) demotion threshold")
        }
        if let dominant = choice.dominant {
            parts.append(
                "\(Wording.name(of: dominant, at: stats, type: choice.type)) in \(ReasonFormatting.percent(choice.share))"
            )
        }
        if newType != column.type {
            parts.append("\(column.type.rawValue) holds \(ReasonFormatting.percent(coverage))")
        }
        var outcome = "\(column.type.rawValue) column"
        if column.name != column.path.joined(separator: ".") { outcome += " `\(column.name)`" }
        outcome += newType != column.type ? " widened to \(newType.rawValue)" : " kept"
        if belowDemotion {
            outcome += " (flagged for demotion: an admin decides; columns are never dropped automatically)"
        }
        let text = "\(ReasonFormatting.path(column.path)): \(parts.joined(separator: ", ")) → \(outcome)"
        let figures = [
            "presence": presence, "share": choice.share, "coverage": coverage,
            "nullShare": stats.map(Wording.nullShare) ?? 0,
        ]
        return PendingReason(
            path: column.path, outcome: newType == .jsonb ? .jsonbColumn : .column, type: newType, figures: figures
        ) { _, _ in text }
    }
}
