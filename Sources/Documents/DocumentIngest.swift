import Catalog
import Foundation
import Jobs
import Logging
import NIOCore
import Schema
import Storage

/// The JSON side of an ingest: each document of a request is parsed, given its collection (the
/// one named, the owner's best match, or a new provisional one), checked against a frozen
/// contract and encoded for its collection's table, so that the ingest's transaction records
/// and places it in one commit (`DocumentPlacement`).
public struct DocumentIngest: Sendable {
    let catalog: CatalogDatabase
    let compute: ComputePool
    let settings: DocumentSettings
    private let snapshots: CollectionSnapshots

    public init(catalog: CatalogDatabase, compute: ComputePool, settings: DocumentSettings) {
        self.catalog = catalog
        self.compute = compute
        self.settings = settings
        self.snapshots = CollectionSnapshots(lifetime: settings.snapshotLifetime)
    }

    public struct Request: Sendable {
        public let owner: String
        /// The collection the client named (`collection`), if any.
        public let collection: String?
        /// The upload's filename, which names a provisional collection.
        public let filename: String?
        public let documents: [Document]
        public let actor: String

        public init(owner: String, collection: String?, filename: String?, documents: [Document], actor: String) {
            self.owner = owner
            self.collection = collection
            self.filename = filename
            self.documents = documents
            self.actor = actor
        }
    }

    /// One document of a request, with the SHA-256 its ingest already computed.
    public struct Document: Sendable {
        public let bytes: ByteBuffer
        public let sha256: String

        public init(bytes: ByteBuffer, sha256: String) {
            self.bytes = bytes
            self.sha256 = sha256
        }
    }

    /// A request of at most this many documents and bytes is parsed and encoded where it is, on
    /// the request's own task: that takes microseconds, less than the hops to the compute pool
    /// and back, which cost a one-document request more than its work. Larger requests go to the
    /// pool, as CPU-heavy work must (statistics cost per document, so the count is bounded too).
    static let smallRequestBytes = 16 << 10
    static let smallRequestDocuments = 16

    private func run<T: Sendable>(small: Bool, _ work: @escaping @Sendable () throws -> T) async throws -> T {
        small ? try work() : try await compute.run(work)
    }

    /// New provisional collections one request may start: each is a table and an index, so a
    /// request of documents that share nothing is refused rather than make thousands.
    static let maximumNewCollections = 20

    /// Parsed documents, distinct by content, with their SHA-256s.
    struct Parsed: Sendable {
        let index: Int
        let sha256: String
        let bytes: ByteBuffer
        let node: JSONNode
        var keys: [String] {
            guard case .object(let members) = node else { return [] }
            return members.map(\.key)
        }
        var memberCount: Int {
            guard case .object(let members) = node else { return 0 }
            return members.count
        }
    }

    /// `fresh` plans from the owner's collections read now, not from a recent snapshot of them
    /// (`CollectionSnapshots`): a write refused as outdated is planned again that way.
    public func placement(for request: Request, fresh: Bool = false) async throws -> DocumentPlacement {
        let small =
            request.documents.count <= Self.smallRequestDocuments
            && request.documents.reduce(0) { $0 + $1.bytes.readableBytes } <= Self.smallRequestBytes
        let parsed = try await parse(request.documents, small: small)
        return try await plan(parsed, for: request, small: small, fresh: fresh)
    }

    private func plan(
        _ parsed: [Parsed], for request: Request, small: Bool, fresh: Bool
    ) async throws
        -> DocumentPlacement
    {
        // Signatures only match unnamed documents to a family; a family's is a share for each of
        // up to 2,000 keys, too much to read on every request that names its collection.
        let matches = request.collection == nil
        var collections = try await ownerCollections(request.owner, signatures: matches, fresh: fresh)
        var assignment = try await assign(parsed, request: request, collections: &collections)
        // Everything that can refuse the request is checked before a new collection is made, so
        // a refused request leaves no empty collection behind.
        try await checkFrozenContracts(Self.groups(assignment.documents, collections), small: small)
        try await create(assignment.newCollections, for: request, in: &collections, renaming: &assignment.documents)
        let thresholds = settings.thresholds
        let groups = Self.groups(assignment.documents, collections)
        if try await relaxConstraints(groups, actor: request.actor, small: small) {
            // The plan's collections changed (or were found to have changed: a contract frozen
            // since the snapshot relaxes nothing): everything is planned again from them as they
            // are now, the frozen contracts' check included (the documents stay parsed).
            return try await plan(parsed, for: request, small: small, fresh: true)
        }
        let encoded = try await run(small: small) {
            groups.map { collection, documents in
                (
                    Self.rows(documents, for: collection),
                    Self.statistics(documents, thresholds: thresholds, encoded: !small)
                )
            }
        }
        let placement = zip(groups, encoded).map { group, encoded in
            DocumentPlacement.Group(
                collectionID: group.0.id, storage: group.0.storage, schemaVersion: group.0.schemaVersion,
                contract: group.0.contract,
                table: group.0.storage == .typed ? group.0.tableName : group.0.jsonbTable,
                columns: group.0.storage == .typed ? group.0.layout?.columns ?? [] : [], rows: encoded.0,
                documents: Set(group.1.map(\.sha256)))
        }
        let documentsByGroup = groups.map(\.1)
        let precomputed = encoded.map(\.1)
        let memberCounts = Dictionary(parsed.map { ($0.sha256, $0.memberCount) }) { first, _ in first }
        return DocumentPlacement(groups: placement, reviewDelay: settings.reviewDelay, memberCounts: memberCounts) {
            index, placed in
            let documents = documentsByGroup[index]
            if placed.count == documents.count { return precomputed[index] }
            return try await run(small: small) {
                Self.statistics(
                    documents.filter { placed.contains($0.sha256) }, thresholds: thresholds, encoded: !small)
            }
        }
    }

    private func ownerCollections(_ owner: String, signatures: Bool, fresh: Bool) async throws -> [CollectionRecord] {
        try await snapshots.collections(of: owner, signatures: signatures, fresh: fresh) {
            try await catalog.collections.collections(of: owner, signatures: signatures)
        }
    }

    /// A `freeze` contract refuses the request if any of its documents does not conform, with
    /// every violation listed.
    private func checkFrozenContracts(_ groups: [(CollectionRecord, [Parsed])], small: Bool) async throws {
        for (collection, documents) in groups where collection.contract == .freeze {
            guard collection.storage == .typed, let layout = collection.layout else { continue }
            let violations = try await run(small: small) {
                documents.compactMap { document -> (Int, [ContractViolation])? in
                    let found = RowEncoder.violations(of: document.node, against: layout)
                    return found.isEmpty ? nil : (document.index, found)
                }
            }
            if !violations.isEmpty {
                throw DocumentRejection.contract(collection: collection.name, violations: violations)
            }
        }
    }

    /// Each collection with its documents, in collection-id order (the lock order of placement).
    private static func groups(
        _ assignment: [UUID: [Parsed]], _ collections: [CollectionRecord]
    ) -> [(
        CollectionRecord, [Parsed]
    )] {
        let byID = Dictionary(collections.map { ($0.id, $0) }) { first, _ in first }
        return assignment.compactMap { id, documents in byID[id].map { ($0, documents) } }
            .sorted { $0.0.id.uuidString < $1.0.id.uuidString }
    }

    /// A `NOT NULL` column says every document so far had a value. A new document without one is
    /// still kept (unless the contract is `freeze`, which refuses it): the constraint is dropped
    /// first, recorded as a new schema version and in the collection's lineage. True when any was
    /// to be dropped: either it was, or the collection had changed since it was read (see
    /// `CollectionRepository.dropNotNull`); the plan is stale either way.
    private func relaxConstraints(
        _ groups: [(CollectionRecord, [Parsed])], actor: String, small: Bool
    ) async throws -> Bool {
        var relaxed = false
        for (collection, documents) in groups where collection.contract != .freeze && collection.storage == .typed {
            guard let layout = collection.layout, layout.columns.contains(where: \.notNull) else { continue }
            let required = Dictionary(layout.columns.filter(\.notNull).map { ($0.path, $0.name) }) { first, _ in first }
            let lacking = try await run(small: small) {
                var lacking = Set<String>()
                for document in documents {
                    for violation in RowEncoder.violations(of: document.node, against: layout) {
                        if let name = required[violation.path] { lacking.insert(name) }
                    }
                }
                return lacking
            }
            guard !lacking.isEmpty else { continue }
            try await catalog.collections.dropNotNull(
                collection.id, columns: lacking.sorted(), expectedVersion: collection.schemaVersion, actor: actor)
            snapshots.forget(owner: collection.owner)
            relaxed = true
        }
        return relaxed
    }

    private func parse(_ documents: [Document], small: Bool) async throws -> [Parsed] {
        let maximumDepth = settings.maximumDepth
        let maximumBytes = settings.maximumDocumentBytes
        if let (index, large) = documents.enumerated().first(where: { $0.element.bytes.readableBytes > maximumBytes }) {
            throw DocumentRejection.tooLarge(document: index, bytes: large.bytes.readableBytes, limit: maximumBytes)
        }
        return try await run(small: small) {
            var seen = Set<String>()
            var parsed: [Parsed] = []
            for (index, document) in documents.enumerated() {
                let bytes = document.bytes
                // A repeat inside the request is placed once (its asset is one too).
                guard seen.insert(document.sha256).inserted else { continue }
                let node: JSONNode
                do {
                    node = try bytes.withUnsafeReadableBytes { try JSONParser.parse($0, maximumDepth: maximumDepth) }
                } catch let error as JSONSyntaxError {
                    throw DocumentRejection.invalid(document: index, reason: "\(error)")
                }
                parsed.append(Parsed(index: index, sha256: document.sha256, bytes: bytes, node: node))
            }
            return parsed
        }
    }

    /// Where a request's documents go: by collection id, where the id of a collection still to be
    /// made is a placeholder (`newCollections`) until `create` makes it.
    struct Assignment {
        var documents: [UUID: [Parsed]]
        /// In the order they are first needed, each with the keys of its first document.
        var newCollections: [(placeholder: UUID, keys: [String])]
    }

    /// Each document's collection: the one named, else the best match above the threshold, else
    /// a new provisional one (which the request's later documents can then match). New ones are
    /// only planned here.
    private func assign(
        _ documents: [Parsed], request: Request, collections: inout [CollectionRecord]
    ) async throws -> Assignment {
        if let name = request.collection {
            let collection = try await collectionNamed(name, request: request, collections: &collections)
            return Assignment(documents: [collection.id: documents], newCollections: [])
        }
        var signatures = Dictionary(uniqueKeysWithValues: collections.map { ($0.id, RunningSignature($0.signature)) })
        var candidates = collections.map(\.id)
        var assignment = Assignment(documents: [:], newCollections: [])
        for document in documents {
            let keys = document.keys
            let best = candidates.map { ($0, signatures[$0]!.score(keys: keys)) }.max { $0.1 < $1.1 }
            let target: UUID
            if let (id, score) = best, score >= settings.matchThreshold {
                target = id
            } else {
                guard assignment.newCollections.count < Self.maximumNewCollections else {
                    throw DocumentRejection.invalid(
                        document: document.index,
                        reason:
                            "the request's documents would start more than \(Self.maximumNewCollections) new collections; name one with `collection`, or send each family on its own"
                    )
                }
                target = UUID()
                assignment.newCollections.append((target, keys))
                candidates.append(target)
                signatures[target] = RunningSignature([:])
            }
            signatures[target]!.add(keys)
            assignment.documents[target, default: []].append(document)
        }
        return assignment
    }

    /// Makes the planned provisional collections and files their documents under their ids.
    private func create(
        _ planned: [(placeholder: UUID, keys: [String])], for request: Request,
        in collections: inout [CollectionRecord], renaming documents: inout [UUID: [Parsed]]
    ) async throws {
        for (placeholder, keys) in planned {
            let created = try await createProvisional(for: keys, request: request, existing: collections)
            collections.append(created)
            documents[created.id] = documents.removeValue(forKey: placeholder)
        }
    }

    private func collectionNamed(
        _ name: String, request: Request, collections: inout [CollectionRecord]
    ) async throws -> CollectionRecord {
        if let existing = collections.first(where: { $0.name == name }) { return existing }
        guard (1...128).contains(name.unicodeScalars.count), !name.unicodeScalars.contains(where: { $0.value < 0x20 })
        else {
            throw DocumentRejection.invalidCollectionName(
                "collection must be 1 to 128 characters without control characters")
        }
        let created = try await catalog.collections.create(
            owner: request.owner, name: name, tableBase: TableNames.base(for: name), provisional: false,
            contract: settings.defaultContract, signature: [:], actor: request.actor)
        snapshots.forget(owner: request.owner)
        collections.append(created)
        return created
    }

    /// Named after the upload's file (without its extension), else the document's first keys.
    private func createProvisional(
        for keys: [String], request: Request, existing: [CollectionRecord]
    ) async throws -> CollectionRecord {
        var base = request.filename.map { ($0 as NSString).deletingPathExtension } ?? ""
        if base.isEmpty { base = keys.prefix(3).joined(separator: "_") }
        if base.isEmpty { base = "documents" }
        base = String(base.unicodeScalars.filter { $0.value >= 0x20 }.prefix(100).map(Character.init))
        var name = base
        var suffix = 1
        while existing.contains(where: { $0.name == name }) {
            suffix += 1
            name = "\(base) \(suffix)"
        }
        let created = try await catalog.collections.create(
            owner: request.owner, name: name, tableBase: TableNames.base(for: name), provisional: true,
            contract: settings.defaultContract, signature: Dictionary(keys.map { ($0, 1.0) }) { a, _ in a },
            actor: request.actor)
        snapshots.forget(owner: request.owner)
        return created
    }

    /// Rows for the collection's table as it is now: typed rows through its layout, or the
    /// documents themselves for the JSONB table. `asset_id` carries the SHA-256 (see
    /// `DocumentPlacement.Group.rows`).
    static func rows(_ documents: [Parsed], for collection: CollectionRecord) -> String {
        var output: [UInt8] = [UInt8(ascii: "[")]
        output.reserveCapacity(documents.reduce(64) { $0 + $1.bytes.readableBytes + 96 })
        if collection.storage == .typed, let layout = collection.layout {
            let encoder = RowEncoder(layout: layout)
            for (position, document) in documents.enumerated() {
                if position > 0 { output.append(UInt8(ascii: ",")) }
                _ = encoder.appendRecord(assetID: document.sha256, document: document.node, to: &output)
            }
        } else {
            for (position, document) in documents.enumerated() {
                if position > 0 { output.append(UInt8(ascii: ",")) }
                output.append(contentsOf: #"{"asset_id":""#.utf8)
                output.append(contentsOf: document.sha256.utf8)
                output.append(contentsOf: #"","doc":"#.utf8)
                output.append(contentsOf: document.bytes.readableBytesView)
                output.append(UInt8(ascii: "}"))
            }
        }
        output.append(UInt8(ascii: "]"))
        return String(decoding: output, as: UTF8.self)
    }

    /// A small request's are left for the write to encode (see `PendingStatistics.encoded`).
    static func statistics(
        _ documents: [Parsed], thresholds: StorageThresholds, encoded: Bool
    ) -> DocumentPlacement.PendingStatistics {
        var statistics = CollectionStatistics()
        for document in documents { statistics.add(document.node, thresholds: thresholds) }
        return DocumentPlacement.PendingStatistics(
            statistics: statistics, encoded: encoded ? String(decoding: statistics.encoded(), as: UTF8.self) : nil,
            thresholds: thresholds)
    }
}
