import Catalog
import Documents
import Foundation
import Hummingbird
import NIOCore
import Schema
import Storage
import WireTypes

/// `/api/v1/collections`: JSON collections, how they are stored and why, and their records. A
/// user key sees its own collections; an admin names an owner with `?owner=` (or sees all).
struct CollectionsController {
    let catalog: CatalogDatabase
    let store: any BlobStore

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("collections", use: list)
        group.get("collections/{name}", use: detail)
        group.get("collections/{name}/records", use: records)
        group.put("collections/{name}/contract", use: contract)
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> CollectionList {
        let principal = try context.requirePrincipal()
        let requested = try request.ownerQuery()
        if let requested, requested != principal.owner, !principal.isAdmin { throw APIError.forbidden }
        let owner = principal.isAdmin ? requested : principal.owner
        return CollectionList(
            collections: try await catalog.collections.list(owner: owner).map { collection, documents in
                CollectionSummary(
                    name: collection.name, owner: collection.owner, storage: collection.storage.rawValue,
                    contract: collection.contract.rawValue, provisional: collection.provisional, documents: documents,
                    schema_version: collection.schemaVersion)
            })
    }

    /// The collection named in the path, of the owner the key may see (without its signature:
    /// no route here places documents).
    private func visibleCollection(_ request: Request, context: AppRequestContext) async throws -> CollectionRecord {
        let principal = try context.requirePrincipal()
        guard let name = context.parameters.get("name") else { throw APIError.notFound("collection") }
        let requested = try request.ownerQuery()
        if let requested, requested != principal.owner, !principal.isAdmin { throw APIError.notFound("collection") }
        guard
            let collection = try await catalog.collections.collection(
                owner: requested ?? principal.owner, name: name, signatures: false)
        else { throw APIError.notFound("collection") }
        return collection
    }

    @Sendable func detail(_ request: Request, context: AppRequestContext) async throws -> CollectionDetail {
        let collection = try await visibleCollection(request, context: context)
        async let documents = catalog.collections.documentCount(collection.id)
        async let versions = catalog.collections.versions(collection.id)
        async let analysis = catalog.collections.analysis(collection.id)
        async let open = catalog.proposals.openProposal(for: collection.id)
        let (statisticsText, decisionText) = try await analysis
        let decision = try decisionText.map { try JSONDecoder().decode(StorageDecision.self, from: Data($0.utf8)) }
        let statistics = try statisticsText.map { try CollectionStatistics(decoding: Array($0.utf8)) }
        let allVersions = try await versions
        let table = collection.storage == .typed ? collection.tableName : collection.jsonbTable
        return CollectionDetail(
            name: collection.name, owner: collection.owner, storage: collection.storage.rawValue,
            contract: collection.contract.rawValue, provisional: collection.provisional, documents: try await documents,
            schema_version: collection.schemaVersion, table: "docs.\(SQL.quoted(table))",
            columns: (collection.layout?.columns ?? []).map(Self.column),
            decision: decision.map { decision in
                CollectionDetail.Decision(
                    mode: decision.mode.rawValue,
                    reasons: decision.reasons.map {
                        .init(
                            path: $0.path, outcome: $0.outcome.rawValue, column: $0.column, type: $0.type?.rawValue,
                            text: $0.text, figures: $0.figures)
                    })
            },
            statistics: statistics.map(Self.summary) ?? [],
            ddl: allVersions.last?.statements ?? [],
            versions: allVersions.map { version in
                .init(
                    version: version.version, storage: version.storage.rawValue,
                    columns: version.layout.map { $0.columns.map(Self.column) }, statements: version.statements,
                    proposal_id: version.proposalID?.uuidString.lowercased(), actor: version.actor,
                    created_at: version.createdAt.formatted(.iso8601))
            },
            open_proposal: try await open?.id.uuidString.lowercased())
    }

    static func column(_ column: TableLayout.Column) -> CollectionDetail.Column {
        .init(name: column.name, path: column.path, type: column.type.rawValue, not_null: column.notNull)
    }

    /// Per path, the most present first (at most 500 paths).
    static func summary(_ statistics: CollectionStatistics) -> [CollectionDetail.PathStatistics] {
        let total = max(statistics.documentCount, 1)
        return statistics.paths.filter { !$0.key.isEmpty }.sorted {
            ($0.value.present, $1.key.joined(separator: "/")) > ($1.value.present, $0.key.joined(separator: "/"))
        }.prefix(500).map { path, stats in
            .init(
                path: path, present: stats.present, presence: Double(stats.present) / Double(total),
                kinds: Dictionary(stats.kinds.map { ($0.key.rawValue, $0.value) }) { a, _ in a },
                distinct: stats.distinct.estimate,
                formats: Dictionary(stats.formats.map { ($0.key.rawValue, $0.value) }) { a, _ in a },
                // A number beyond a double's range (1e400) is infinite here; JSON has no spelling for it.
                minimum: stats.minimumNumber.flatMap { $0.isFinite ? $0 : nil },
                maximum: stats.maximumNumber.flatMap { $0.isFinite ? $0 : nil }, is_map: stats.isMap)
        }
    }

    @Sendable func contract(_ request: Request, context: AppRequestContext) async throws -> CollectionSummary {
        let principal = try context.requireAdmin()
        await context.acceptBody()
        let collection = try await visibleCollection(request, context: context)
        let input: ContractChange
        do { input = try await request.decode(as: ContractChange.self, context: context) } catch {
            throw APIError.badRequest("invalid_body", "expected {\"contract\": \"review\" | \"evolve\" | \"freeze\"}")
        }
        guard let contract = SchemaContract(rawValue: input.contract) else {
            throw APIError.badRequest("invalid_contract", "contract must be review, evolve or freeze")
        }
        try await catalog.collections.setContract(
            collection.id, to: contract, actor: "key:\(principal.keyID.uuidString.lowercased())")
        return CollectionSummary(
            name: collection.name, owner: collection.owner, storage: collection.storage.rawValue,
            contract: contract.rawValue, provisional: collection.provisional,
            documents: try await catalog.collections.documentCount(collection.id),
            schema_version: collection.schemaVersion)
    }

    static let maximumPageBytes = 16 << 20

    /// Each record is the document exactly as it was sent (its bytes), with its system id.
    @Sendable func records(_ request: Request, context: AppRequestContext) async throws -> Response {
        let collection = try await visibleCollection(request, context: context)
        let query = try RecordQueryParser.parse(request.uri.queryParameters)
        let page: [CollectionRecordRow]
        do { page = try await catalog.collectionRecords.page(of: collection, query) } catch let error
            as CollectionRecords.Unreadable
        {
            throw APIError.badRequest("invalid_query", error.description)
        }
        var body = ByteBuffer()
        body.writeString(#"{"collection":"#)
        body.writeString(JSONNode.string(collection.name).jsonText)
        body.writeString(#","records":["#)
        var next = page.count == query.limit ? page.last?.cursor : nil
        for (position, row) in page.enumerated() {
            // A page stops at about 16 MiB whatever `limit` says: documents may be 8 MiB each.
            if body.readableBytes > Self.maximumPageBytes {
                next = page[position - 1].cursor
                break
            }
            if position > 0 { body.writeString(",") }
            body.writeString(#"{"system_id":""#)
            body.writeString(row.assetID.uuidString.lowercased())
            body.writeString(#"","document":"#)
            if let content = row.inlineContent {
                body.writeBytes(content)
            } else if let key = BlobKey(row.storageKey) {
                var stored = try await store.readAll(key, limit: Int.max)
                body.writeBuffer(&stored)
            }
            body.writeString("}")
        }
        body.writeString(#"],"next_cursor":"#)
        if let next {
            body.writeString(JSONNode.string(RecordCursor.encode(next)).jsonText)
        } else {
            body.writeString("null")
        }
        body.writeString("}")
        return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: body))
    }
}
