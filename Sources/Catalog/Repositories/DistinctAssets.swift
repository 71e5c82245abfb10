import Foundation

/// The items of one request, each distinct content once, in ascending SHA-256 order (the lock
/// order of every ingest write), with how many times the request sent it.
struct DistinctAssets {
    struct Item {
        let asset: NewAsset
        /// Where the content first appears in the request.
        let position: Int
        let copies: Int
        let newID: UUID
        let requestID: UUID

        /// The lineage detail of its `ingest.accepted` or `ingest.repeated` event.
        var detail: JSONValue {
            var detail: [String: JSONValue] = [
                "request_id": .string(requestID.uuidString.lowercased()),
                "filename": asset.originalFilename.map(JSONValue.string) ?? .null,
                "sha256": .string(asset.sha256), "size": .number(Double(asset.size)),
            ]
            if copies > 1 { detail["copies"] = .number(Double(copies)) }
            // A document settled by the ingest: its chain says which stages were done or
            // skipped then, since no `stage.*` event will.
            if let stages = asset.initialStages {
                detail["stages_at_ingest"] = .object(
                    Dictionary(stages.map { ($0.stage.name, JSONValue.string($0.state.rawValue)) }) { first, _ in first
                    })
            }
            return .object(detail)
        }

        /// The stage rows recorded with the asset: its own, or the first stage queued.
        func stages(_ request: IngestRepository.RequestContext) -> [InitialStage] {
            asset.initialStages ?? [InitialStage(request.firstStage, state: .queued)]
        }

        /// Whether recording it queues a job, which the workers are woken for.
        func queuesWork(_ request: IngestRepository.RequestContext) -> Bool {
            stages(request).contains { $0.state == .queued }
        }

        /// Its row for `InsertNewAssets`.
        func newAssetRow(_ request: IngestRepository.RequestContext) -> NewAssetRow {
            let stages = stages(request)
            return NewAssetRow(
                requestID: request.id, owner: request.owner, actor: request.actor, maxAttempts: request.maxAttempts,
                stages: stages, status: InitialStage.status(of: stages), position: position, id: newID,
                kind: asset.kind, sha256: asset.sha256, size: asset.size, mediaType: asset.mediaType,
                originalFilename: asset.originalFilename, storageKey: asset.storageKey,
                metadata: asset.metadata.jsonText, detail: detail.jsonText, comments: asset.comments, copies: copies,
                content: asset.inlineContent)
        }

        var repeatRecord: JSONValue {
            [
                "ord": .number(Double(position)), "sha256": .string(asset.sha256),
                "copies": .number(Double(copies)), "detail": detail,
            ]
        }
    }

    let items: [Item]
    /// For every item of the request, in order, the SHA-256 of its content.
    let positions: [String]

    init(_ assets: [NewAsset], requestID: UUID) {
        var first: [String: (index: Int, copies: Int)] = [:]
        for (index, asset) in assets.enumerated() {
            first[asset.sha256, default: (index, 0)].copies += 1
        }
        items = first.sorted { $0.key < $1.key }.map { sha256, seen in
            Item(
                asset: assets[seen.index], position: seen.index, copies: seen.copies, newID: .timeOrdered(),
                requestID: requestID)
        }
        positions = assets.map(\.sha256)
    }

    /// Items as one `jsonb` array for `jsonb_to_recordset`: one bind however many items.
    static func recordsetText(_ items: [Item], _ record: KeyPath<Item, JSONValue>) -> String {
        JSONValue.array(items.map { $0[keyPath: record] }).jsonText
    }
}
