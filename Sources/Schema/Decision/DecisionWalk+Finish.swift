extension DecisionWalk {
    /// Approved columns first, in their table order (a table's columns cannot be reordered);
    /// then new ones by presence descending, then path, each named in that order, so the
    /// names (and which of two clashing keys gets `_2`) are the same on every run.
    func namedColumns() -> [TableLayout.Column] {
        var sanitiser = IdentifierSanitiser.forColumns(existing: approvedOrder.map(\.name))
        let approvedRank = Dictionary(
            approvedOrder.enumerated().map { ($0.element.path, $0.offset) }, uniquingKeysWith: { first, _ in first })
        let kept = planned.filter { $0.approvedName != nil }.sorted {
            (approvedRank[$0.path] ?? 0) < (approvedRank[$1.path] ?? 0)
        }
        let new = planned.filter { $0.approvedName == nil }.sorted { lhs, rhs in
            lhs.presence != rhs.presence ? lhs.presence > rhs.presence : lhs.path.lexicographicallyPrecedes(rhs.path)
        }
        return (kept + new).map { planned in
            TableLayout.Column(
                name: planned.approvedName ?? sanitiser.claim(path: planned.path), path: planned.path,
                type: planned.type, notNull: planned.notNull)
        }
    }

    func finishedReasons(columns: [TableLayout.Column], jsonbMode: Bool) -> [StorageDecision.Reason] {
        pending.map { reason in
            let names = columns.filter { $0.path.starts(with: reason.path) }.map(\.name)
            let isColumn = reason.outcome == .column || reason.outcome == .jsonbColumn
            return StorageDecision.Reason(
                path: reason.path, outcome: reason.outcome, column: isColumn ? names.first : nil, type: reason.type,
                text: reason.text(names, jsonbMode), figures: reason.figures)
        }
    }

    /// Up to three sparse paths get a reason each; more are summarised in one, with a count
    /// and the most frequent as examples (a collection may have thousands).
    func sparseReasons(leaves: LeafAccount, jsonbMode: Bool) -> [StorageDecision.Reason] {
        let ordered = sparse.sorted { lhs, rhs in
            lhs.presence != rhs.presence ? lhs.presence > rhs.presence : lhs.path.lexicographicallyPrecedes(rhs.path)
        }
        let threshold = ReasonFormatting.percent(thresholds.promotePresence)
        let fate = jsonbMode ? "left in the document" : "kept in extra"
        if ordered.count <= 3 {
            return ordered.map { path, presence in
                StorageDecision.Reason(
                    path: path, outcome: .extra, column: nil, type: nil,
                    text: "\(ReasonFormatting.path(path)): present in \(ReasonFormatting.percent(presence)), "
                        + "under the \(threshold) a column needs → \(fate)",
                    figures: ["presence": presence])
            }
        }
        let examples = ordered.prefix(3).map {
            "\(ReasonFormatting.path($0.path)) \(ReasonFormatting.percent($0.presence))"
        }
        let text =
            "\(ReasonFormatting.counted(ordered.count, "sparse key")), each in under \(threshold) of documents "
            + "(e.g. \(examples.joined(separator: ", "))), holding \(ReasonFormatting.percent(leaves.sparseShare)) "
            + "of leaf values → \(fate)"
        return [
            StorageDecision.Reason(
                path: [], outcome: .extra, column: nil, type: nil, text: text,
                figures: [
                    "sparseKeys": Double(ordered.count), "sparseLeafShare": leaves.sparseShare,
                    "maximumPresence": ordered.first?.presence ?? 0,
                ])
        ]
    }

    /// JSONB when more than `sparseLeafShare` of the leaf values are in sparse paths, or when
    /// no path qualifies as a column; a table already approved stays typed (leaving it is a
    /// migration an admin starts, never a side effect of new statistics).
    func collectionReason(
        leaves: LeafAccount, columnCount: Int
    ) -> (mode: StorageDecision.Mode, reason: StorageDecision.Reason) {
        let sparseShare = ReasonFormatting.percent(leaves.sparseShare)
        let sparseKeys = ReasonFormatting.counted(sparse.count, "sparse key")
        let held =
            "columns hold \(ReasonFormatting.percent(leaves.columnShare)) of leaf values; \(sparseShare) in \(sparseKeys)"
        let tooSparse = leaves.sparseShare > thresholds.sparseLeafShare + 1e-12
        let mode: StorageDecision.Mode
        let text: String
        if documents == 0 {
            (mode, text) = (.jsonb, "no documents yet → JSONB")
        } else if !approvedOrder.isEmpty {
            mode = .typed
            text =
                tooSparse
                ? "\(sparseShare) of leaf values are in \(sparseKeys), above \(ReasonFormatting.percent(thresholds.sparseLeafShare)), "
                    + "but the approved typed table is kept (switching to JSONB is for an admin to decide)"
                : held + " → typed table (approved)"
        } else if columnCount == 0 {
            (mode, text) = (
                .jsonb, "no path qualifies as a column (\(sparseShare) of leaf values in \(sparseKeys)) → JSONB"
            )
        } else if tooSparse {
            (mode, text) = (.jsonb, "\(sparseShare) of leaf values are in \(sparseKeys) → JSONB")
        } else {
            (mode, text) = (.typed, held + " → typed table")
        }
        let figures: [String: Double] = [
            "documents": Double(documents), "leafValues": Double(leaves.total), "sparseLeafShare": leaves.sparseShare,
            "columnLeafShare": leaves.columnShare, "sparseKeys": Double(sparse.count), "columns": Double(columnCount),
        ]
        return (
            mode,
            StorageDecision.Reason(path: [], outcome: .collection, column: nil, type: nil, text: text, figures: figures)
        )
    }

    /// In JSONB form: the top-level paths holding one scalar type that most documents have.
    func indexedPaths() -> [[String]] {
        let scalarTypes: Set<ColumnType> = [
            .boolean, .bigint, .numeric, .doublePrecision, .timestamptz, .date, .uuid, .text,
        ]
        let paths = orderedChildren(of: []).filter { path in
            presence(path) + 1e-12 >= thresholds.indexPresence && scalarTypes.contains(choice(path).type)
        }
        return Array(paths.prefix(StorageDecider.maximumIndexedPaths))
    }
}
