extension DecisionWalk {
    /// Decides one path: a column, a jsonb column, flattened into its members, or `extra`.
    mutating func visit(_ path: [String], depth: Int) {
        if let column = approved[path] {
            keepApproved(column)
            return
        }
        let presence = presence(path)
        if kept.contains(path) {
            addExtraReason(path, "present in \(ReasonFormatting.percent(presence)), kept as JSON by an admin", presence)
            return
        }
        let approvedBelow = approvedOrder.contains { $0.path.count > path.count && $0.path.starts(with: path) }
        if approvedBelow {
            flatten(path, depth: depth, because: "approved columns below it")
            return
        }
        guard presence + 1e-12 >= thresholds.promotePresence else {
            sparse.append((path, presence))
            return
        }
        let choice = choice(path)
        guard let dominant = choice.dominant else {
            addExtraReason(path, "present in \(ReasonFormatting.percent(presence)), but always null", presence)
            return
        }
        guard choice.share + 1e-12 >= thresholds.dominantType else {
            let mix = choice.breakdown.map {
                "\(Wording.name(of: $0.valueClass, at: paths[path])) \(ReasonFormatting.percent($0.share))"
            }
            addExtraReason(
                path,
                "present in \(ReasonFormatting.percent(presence)), but no type covers "
                    + "\(ReasonFormatting.percent(thresholds.dominantType)) (\(mix.joined(separator: ", ")))",
                presence, share: choice.share)
            return
        }
        switch dominant {
        case .object: visitObject(path, depth: depth, choice: choice)
        case .array: visitArray(path, choice: choice)
        case .boolean, .number, .string: planColumn(path, type: choice.type, choice: choice, detail: nil)
        }
    }

    private mutating func visitObject(_ path: [String], depth: Int, choice: TypeChoice) {
        let stats = paths[path] ?? PathStatistics()
        if stats.isMap {
            planColumn(path, type: .jsonb, choice: choice, detail: Wording.map(stats))
        } else if (children[path] ?? []).isEmpty {
            addExtraReason(
                path, "present in \(ReasonFormatting.percent(presence(path))), always an empty object", presence(path))
        } else if depth < thresholds.flattenDepth {
            flatten(path, depth: depth, because: "a stable object")
        } else {
            planColumn(
                path, type: .jsonb, choice: choice,
                detail: "an object at depth \(depth) (the flattening limit is \(thresholds.flattenDepth))")
        }
    }

    private mutating func visitArray(_ path: [String], choice: TypeChoice) {
        let elements = paths[path + ["[]"]]
        planColumn(path, type: choice.type, choice: choice, detail: Wording.elements(elements))
    }

    /// Members of a stable object become columns of their own (`parent__child`).
    private mutating func flatten(_ path: [String], depth: Int, because cause: String) {
        let presence = presence(path)
        pending.append(
            PendingReason(path: path, outcome: .flattened, type: nil, figures: ["presence": presence]) { names, jsonb in
                let into =
                    names.isEmpty
                    ? "no member qualifies as a column" : "into " + names.map { "`\($0)`" }.joined(separator: ", ")
                return "\(ReasonFormatting.path(path)): present in \(ReasonFormatting.percent(presence)), \(cause) → "
                    + (jsonb ? "would be flattened " : "flattened ") + into
            })
        for child in orderedChildren(of: path) { visit(child, depth: depth + 1) }
    }

    /// A new column for `path`. NOT NULL only when every document had a value that casts for
    /// sure: `double precision` is never NOT NULL, since the statistics cannot tell which
    /// floats round-trip (one that does not would become NULL and fail the insert).
    mutating func planColumn(_ path: [String], type: ColumnType, choice: TypeChoice, detail: String?) {
        let stats = paths[path] ?? PathStatistics()
        let presence = presence(path)
        let coverage = TypeLattice.coverage(of: type, path: stats, elements: paths[path + ["[]"]])
        let notNull =
            stats.present == documents && stats.nulls == 0 && coverage >= 1 && type != .doublePrecision
            && type != .doubleArray
        planned.append(PlannedColumn(path: path, type: type, notNull: notNull, presence: presence, approvedName: nil))
        let what =
            detail
            ?? "\(Wording.name(of: choice.dominant ?? .object, at: stats, type: type)) in \(ReasonFormatting.percent(choice.share))"
        let outcome: StorageDecision.Reason.Outcome = type == .jsonb ? .jsonbColumn : .column
        let figures = ["presence": presence, "share": choice.share, "nullShare": Wording.nullShare(stats)]
        pending.append(
            PendingReason(path: path, outcome: outcome, type: type, figures: figures) { names, jsonb in
                "\(ReasonFormatting.path(path)): present in \(ReasonFormatting.percent(presence)), \(what) → "
                    + (jsonb ? "would be a " : "") + Wording.column(type, names.first, path: path, notNull: notNull)
            })
    }

    mutating func addExtraReason(_ path: [String], _ detail: String, _ presence: Double, share: Double? = nil) {
        var figures = ["presence": presence]
        figures["share"] = share
        pending.append(
            PendingReason(path: path, outcome: .extra, type: nil, figures: figures) { _, jsonb in
                "\(ReasonFormatting.path(path)): \(detail) → " + (jsonb ? "left in the document" : "kept in extra")
            })
    }
}
