import App
import Catalog
import Foundation
import HummingbirdTesting
import Testing
import WireTypes

@testable import TestSupport

/// What the organisation tests share: the tiny CLIP model, uploads, and waiting for the
/// organise pass and the moves to settle.
enum Organising {
    /// The tiny random checkpoint, tags for everything, a quick pass. Its random weights see
    /// unrelated photos at cosine 0.96, so "visually similar" is off (0.9999); the
    /// clustering threshold still separates the fixture groups (≥ 0.89 within, ≤ 0.5 across).
    /// The id the tiny model's vectors are stored under.
    static var modelID: String { TinyModel.folder.path }

    static func configure(_ configuration: inout AppConfiguration) {
        configuration.embedding.model = TinyModel.folder.path
        configuration.embedding.minimumTagScore = -1
        configuration.organise.passDelay = .milliseconds(300)
        configuration.organise.duplicates.similarCosine = 0.9999
        configuration.organise.clusterThreshold = 0.8
    }

    struct File {
        let name: String
        let bytes: [UInt8]
        let type: String
    }

    static func upload(
        _ files: [File], comments: String? = nil, client: some TestClientProtocol, key: String
    ) async throws -> [UUID] {
        var form = MultipartBody()
        if let comments { form.field("comments", comments) }
        for file in files { form.file(filename: file.name, file.bytes, type: file.type) }
        let response = try await client.ingest(form, key: key)
        #expect(response.status == .accepted)
        let accepted = try JSONDecoder().decode(IngestAccepted.self, from: Data(response.body.readableBytesView))
        return try accepted.system_ids.map { try #require(UUID(uuidString: $0)) }
    }

    /// Records moves of `assets` to the place `folder` gives each, as an admin's decision would.
    static func requestMoves(
        _ assets: [AssetRecord], app: TestApp, to folder: (AssetRecord) -> String
    ) async throws {
        try await app.catalog.placementMoves.request(
            assets.map { .init(assetID: $0.id, target: folder($0)) }, owner: "admin", reason: "test", actor: "test")
    }

    /// Waits until every asset is processed, the owner's pass has run after the last of them, and
    /// every recorded move is done.
    static func settle(_ app: TestApp, _ ids: [UUID], timeout: Duration = .seconds(180)) async throws {
        try await eventually(timeout: timeout, "the media to be processed, organised and placed") {
            for id in ids where try await app.catalog.assets.find(id)?.status != .ready { return false }
            let rows = try await app.catalog.client.query(
                """
                SELECT (SELECT count(*) FROM jobs WHERE stage IN ('organise.pass', 'placement')
                          OR (stage = 'organise' AND state IN ('queued', 'processing')))
                     + (SELECT count(*) FROM placement_moves)
                """, logger: TestCluster.logger)
            for try await open in rows.decode(Int.self) { return open == 0 }
            return false
        }
    }

    static func openProposals(_ app: TestApp, kind: ProposalKind) async throws -> [ProposalRecord] {
        try await app.catalog.proposals.list(kind: kind, owner: nil, state: .open, limit: 100)
    }

    static func members(_ proposal: ProposalRecord) -> Set<UUID> {
        let payload = JSONValue.parse(proposal.payload)
        guard case .array(let members)? = payload["members"] else { return [] }
        return Set(
            members.compactMap { member -> UUID? in
                switch member {
                case .string(let id): return UUID(uuidString: id)
                case .object(let fields):
                    if case .string(let id)? = fields["id"] { return UUID(uuidString: id) }
                    return nil
                default: return nil
                }
            })
    }

    static func folderView(_ app: TestApp) async throws -> FolderView {
        try await FolderView.read(root: app.storageRoot, catalog: app.catalog)
    }

    static func actions(_ app: TestApp, asset: UUID) async throws -> [String] {
        try await app.catalog.lineage.events(for: asset, limit: 200).map(\.action)
    }
}

extension UUID {
    var text: String { uuidString.lowercased() }
}
