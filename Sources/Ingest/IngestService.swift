import Catalog
import Crypto
import Documents
import Foundation
import Logging
import Media
import Metrics
import NIOCore
import Schema
import Storage

/// Keep first, then process: every item's bytes are durable in the blob store, and its asset
/// row, lineage event and first job committed, before the request is answered.
public struct IngestService: Sendable {
    let catalog: CatalogDatabase
    let store: any BlobStore
    /// Where every new asset's processing starts: the root of the stage graph.
    let firstStage: StageReference
    let maxAttempts: Int
    /// Documents up to this size are kept in the catalog, written by the ingest's own statement
    /// (no file, no file-system flush); larger ones go to the blob store. 0 keeps none inline.
    let inlineDocumentBytes: Int
    /// Places JSON documents in their collections in the ingest's own transaction; nil leaves
    /// documents unplaced (test pipelines that are about the queue alone).
    let documents: DocumentIngest?
    /// The stage rows a small document placed at ingest is recorded with
    /// (`Pipeline.stagesSettledAtIngest`); nil queues its first stage like any asset's.
    let settledDocumentStages: [InitialStage]?
    let logger: Logger

    public init(
        catalog: CatalogDatabase, store: any BlobStore, firstStage: StageReference, maxAttempts: Int,
        inlineDocumentBytes: Int, documents: DocumentIngest? = nil, settledDocumentStages: [InitialStage]? = nil,
        logger: Logger
    ) {
        self.catalog = catalog
        self.store = store
        self.firstStage = firstStage
        self.maxAttempts = maxAttempts
        self.inlineDocumentBytes = inlineDocumentBytes
        self.documents = documents
        self.settledDocumentStages = settledDocumentStages
        self.logger = logger
    }

    public struct Receipt: Sendable {
        public let requestID: UUID
        public let assetIDs: [UUID]
    }

    /// Validates every item first, so a bad part rejects the whole request before anything is
    /// kept. Whatever fails, every staged blob of the batch is removed before the error leaves.
    public func accept(_ batch: IngestBatch, actor: String) async throws -> Receipt {
        var staged: [StagedBlob] = []
        do {
            guard !batch.items.isEmpty else {
                throw IngestRejection(.noItems, "the request holds no files[] part and no JSON document")
            }
            // What PostgreSQL would refuse is refused before any blob is committed: a NUL in
            // `comments` once answered 500 and left the request's blobs behind.
            if let comments = batch.comments, let problem = StorableText.problem(in: comments) {
                throw IngestRejection(.invalidField, "comments \(problem)")
            }
            if let problem = StorableText.problem(in: batch.owner) {
                throw IngestRejection(.invalidField, "owner \(problem)")
            }
            var assets: [NewAsset] = []
            // A document sent many times in one request is staged once: its bytes are in memory,
            // so a repeat is found by them, without a file (or a second SHA-256) each.
            var stagedDocuments: [ByteBuffer: NewAsset] = [:]
            for item in batch.items {
                if case .document(let bytes, _) = item, let known = stagedDocuments[bytes] {
                    assets.append(known)
                    continue
                }
                if case .document(let bytes, _) = item, inlineDocumentBytes > 0,
                    bytes.readableBytes <= inlineDocumentBytes
                {
                    let asset = Self.inlineDocument(bytes, comments: batch.comments)
                    assets.append(asset)
                    stagedDocuments[bytes] = asset
                    continue
                }
                let (blob, asset) = try await prepare(item, comments: batch.comments)
                staged.append(blob)
                assets.append(asset)
                if case .document(let bytes, _) = item { stagedDocuments[bytes] = asset }
            }
            let receipt = try await record(batch, assets: assets, staged: staged, actor: actor)
            Counter(label: "afa_ingest_items_total").increment(by: assets.count)
            Counter(label: "afa_ingest_bytes_total").increment(by: Int(assets.reduce(0) { $0 + $1.size }))
            return Receipt(requestID: receipt.requestID, assetIDs: receipt.assetIDs)
        } catch {
            // Blobs already renamed into place are content-addressed: the next upload of the
            // same bytes reuses them. Staged ones (files not yet prepared included) go.
            await Self.discard(batch.items, staged: staged, from: store)
            throw error
        }
    }

    /// Commits the staged blobs, then records the assets, with the documents placed in their
    /// collections by the same transaction. A collection that changed between planning and
    /// writing (an approval in between) is planned again.
    private func record(
        _ batch: IngestBatch, assets: [NewAsset], staged: [StagedBlob], actor: String
    ) async throws
        -> IngestRepository.Receipt
    {
        // `assets` holds an asset for every item, in order: each document's SHA-256 is there.
        let documents: [DocumentIngest.Document] = zip(batch.items, assets).compactMap { item, asset in
            if case .document(let bytes, _) = item { .init(bytes: bytes, sha256: asset.sha256) } else { nil }
        }
        guard let placer = self.documents, !documents.isEmpty else {
            try await store.commitContent(staged)
            return try await catalog.ingests.record(
                owner: batch.owner, assets: assets, firstStage: firstStage, maxAttempts: maxAttempts, actor: actor)
        }
        let request = DocumentIngest.Request(
            owner: batch.owner, collection: batch.collection, filename: batch.documentSource, documents: documents,
            actor: actor)
        var placement = try await plan(request, with: placer)
        let assets = settled(assets, placedBy: placement)
        try await store.commitContent(staged)
        var attempts = 0
        while true {
            do {
                return try await catalog.ingests.record(
                    owner: batch.owner, assets: assets, firstStage: firstStage, maxAttempts: maxAttempts, actor: actor,
                    placement: placement)
            } catch is PlacementOutdated where attempts < 3 {
                attempts += 1
                placement = try await plan(request, with: placer, fresh: true)
            }
        }
    }

    /// A small document in the catalog and in its collection is verified already: its SHA-256 is
    /// of the bytes the ingest's own statement stores, and it was parsed whole. It is recorded
    /// with its stages settled, as the `verify` stage would have left them, and is ready at
    /// once. Documents in the blob store keep their `verify` job: it reads the file back.
    private func settled(_ assets: [NewAsset], placedBy placement: DocumentPlacement) -> [NewAsset] {
        guard let stages = settledDocumentStages else { return assets }
        return assets.map { asset in
            guard asset.kind == .json, asset.inlineContent != nil, let members = placement.memberCounts[asset.sha256]
            else { return asset }
            var metadata = VerifiedContent.metadata(detectedKind: asset.kind.rawValue, mediaType: asset.mediaType)
            metadata["json"] = VerifiedContent.objectShape(members: members, bytes: Int(asset.size))
            var settled = asset
            settled.metadata = .object(metadata)
            settled.initialStages = stages
            return settled
        }
    }

    private func plan(
        _ request: DocumentIngest.Request, with placer: DocumentIngest, fresh: Bool = false
    ) async throws -> DocumentPlacement {
        do {
            return try await placer.placement(for: request, fresh: fresh)
        } catch let rejection as DocumentRejection {
            switch rejection {
            case .invalid: throw IngestRejection(.invalidJSON, rejection.description)
            case .invalidCollectionName(let reason): throw IngestRejection(.invalidField, reason)
            case .tooLarge: throw IngestRejection(.documentTooLarge, rejection.description)
            case .contract(_, let documents):
                throw IngestRejection(
                    .schemaViolation, rejection.description,
                    violations: documents.flatMap { document, violations in
                        violations.map {
                            IngestRejection.Violation(document: document, path: $0.path, message: $0.message)
                        }
                    })
            }
        }
    }

    /// Removes the staging files of a refused request.
    public static func discard(_ items: [IngestItem], staged: [StagedBlob] = [], from store: any BlobStore) async {
        var files = staged
        for case .file(let blob, _, _) in items where !files.contains(where: { $0.path == blob.path }) {
            files.append(blob)
        }
        for blob in files { await store.discard(blob) }
    }

    private func prepare(_ item: IngestItem, comments: String?) async throws -> (StagedBlob, NewAsset) {
        switch item {
        case .file(let blob, let part, let filename):
            guard blob.size > 0 else {
                throw IngestRejection(.emptyPart, "part '\(part)' (\(Self.describe(filename))) is empty")
            }
            let sniffed = MediaSniffer.sniff(blob.prefix)
            guard let kind = Catalog.AssetKind(rawValue: sniffed.kind.rawValue), kind != .other else {
                throw IngestRejection(
                    .unsupportedMediaType,
                    "part '\(part)' (\(Self.describe(filename))) is not an image, a video or a JSON document")
            }
            return (
                blob, asset(for: blob, kind: kind, mediaType: sniffed.mediaType, filename: filename, comments: comments)
            )
        case .document(let bytes, _):
            let blob = try await store.stage(bytes)
            return (
                blob, asset(for: blob, kind: .json, mediaType: "application/json", filename: nil, comments: comments)
            )
        }
    }

    private func asset(
        for blob: StagedBlob, kind: Catalog.AssetKind, mediaType: String, filename: String?, comments: String?
    )
        -> NewAsset
    {
        NewAsset(
            kind: kind, sha256: blob.sha256, size: blob.size, mediaType: mediaType,
            originalFilename: filename.map(Self.displayName), storageKey: BlobKey.raw(sha256: blob.sha256).rawValue,
            comments: comments, metadata: [:])
    }

    /// A small document goes to the catalog with its asset row: hashed here, where it already is
    /// (a few microseconds; a hop to another thread would cost more).
    private static func inlineDocument(_ bytes: ByteBuffer, comments: String?) -> NewAsset {
        let sha256 = bytes.withUnsafeReadableBytes { SHA256.hash(data: $0).hexString }
        return NewAsset(
            kind: .json, sha256: sha256, size: Int64(bytes.readableBytes), mediaType: "application/json",
            originalFilename: nil, storageKey: BlobKey.inline(sha256: sha256).rawValue, comments: comments,
            metadata: [:], inlineContent: bytes)
    }

    /// A filename as an error message quotes it: a short excerpt.
    static func describe(_ filename: String?) -> String {
        filename.map { ClientText.excerpt($0) } ?? "no filename"
    }

    /// Filenames are kept for display only; strip control characters and cap the length.
    static func displayName(_ filename: String) -> String {
        String(
            String.UnicodeScalarView(filename.unicodeScalars.filter { $0.value >= 0x20 && $0.value != 0x7F }).prefix(
                255))
    }
}
