import Logging
import PostgresNIO

/// The catalog: every table of the service, reached through one `PostgresClient`.
/// Only this module speaks SQL.
public struct CatalogDatabase: Sendable {
    public let client: PostgresClient
    public let logger: Logger
    /// One per catalog: the wake-ups of every ingest on it are coalesced.
    public let workerWakeUps: WorkerWakeUps
    /// One per catalog: concurrent single-document ingests share statements.
    let groupedIngests: GroupedIngests

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
        self.workerWakeUps = WorkerWakeUps(client: client, logger: logger)
        self.groupedIngests = GroupedIngests(client: client, logger: logger)
    }

    public var assets: AssetRepository { AssetRepository(client: client, logger: logger) }
    public var perceptualHashes: PerceptualHashRepository { PerceptualHashRepository(client: client, logger: logger) }
    public var tagVocabulary: TagVocabularyRepository { TagVocabularyRepository(client: client, logger: logger) }
    public var embeddings: EmbeddingRepository { EmbeddingRepository(client: client, logger: logger) }
    public var ingests: IngestRepository {
        IngestRepository(client: client, logger: logger, wakeUps: workerWakeUps, grouped: groupedIngests)
    }
    public var inlineBlobs: InlineBlobRepository { InlineBlobRepository(client: client, logger: logger) }
    public var storageLocation: StorageLocationRepository {
        StorageLocationRepository(client: client, logger: logger)
    }
    public var jobs: JobRepository { JobRepository(client: client, logger: logger) }
    public var lineage: LineageLog { LineageLog(client: client, logger: logger) }
    public var apiKeys: APIKeyRepository { APIKeyRepository(client: client, logger: logger) }
    public var migrator: Migrator { Migrator(client: client, logger: logger) }
    public var lineageVerifier: LineageVerifier { LineageVerifier(client: client, logger: logger) }

    /// True when a trivial query answers: `/readyz`.
    public func ping() async -> Bool {
        do {
            for try await _ in try await client.query("SELECT 1", logger: logger) { return true }
            return false
        } catch {
            return false
        }
    }
}

extension CatalogDatabase {
    public var collections: CollectionRepository { CollectionRepository(client: client, logger: logger) }
    public var collectionReviews: CollectionReviews { CollectionReviews(client: client, logger: logger) }
    public var proposals: ProposalRepository { ProposalRepository(client: client, logger: logger) }
    public var proposalDecisions: ProposalDecisions { ProposalDecisions(client: client, logger: logger) }
}

extension CatalogDatabase {
    public var collectionRecords: CollectionRecords { CollectionRecords(client: client, logger: logger) }
    public var documentSearch: DocumentSearchRepository { DocumentSearchRepository(client: client, logger: logger) }
}

extension CatalogDatabase {
    public var duplicates: DuplicateRepository { DuplicateRepository(client: client, logger: logger) }
    public var clusters: ClusterRepository { ClusterRepository(client: client, logger: logger) }
    public var mediaProposals: MediaProposals { MediaProposals(client: client, logger: logger) }
    public var organisationDecisions: OrganisationDecisions { OrganisationDecisions(client: client, logger: logger) }
    public var placementMoves: PlacementMoves { PlacementMoves(client: client, logger: logger) }
    public var trash: TrashRepository { TrashRepository(client: client, logger: logger) }
    public var blobReferences: BlobReferences { BlobReferences(client: client, logger: logger) }
    public var mediaSearch: MediaSearchRepository { MediaSearchRepository(client: client, logger: logger) }
}
