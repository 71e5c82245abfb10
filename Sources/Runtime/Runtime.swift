import App
import Catalog
import Documents
import Foundation
import Hummingbird
import Ingest
import Jobs
import Logging
import PostgresNIO
import Processing
import ServiceLifecycle
import Storage

/// Starts what a command needs: the catalog (embedded or external), migrations, the blob store,
/// the workers and the HTTP server. `afa` commands call in here and do nothing else.
public enum Runtime {
    /// Runs `body` with a migrated catalog, then releases it (and the embedded server if this
    /// process started it and nobody else uses it).
    public static func withCatalog<T: Sendable>(
        _ configuration: AppConfiguration, logger: Logger,
        _ body: @Sendable (CatalogDatabase, DatabaseBootstrap.Prepared) async throws -> T
    ) async throws -> T {
        let prepared = try await DatabaseBootstrap(
            databaseURL: configuration.databaseURL, dataRoot: configuration.dataRoot,
            postgresHome: configuration.postgresHome, logger: logger
        ).prepare()
        let client = PostgresClient(configuration: prepared.configuration, backgroundLogger: logger)
        let catalog = CatalogDatabase(client: client, logger: logger)
        let result: Result<T, any Error> = await withTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            defer { group.cancelAll() }
            do {
                try await catalog.migrator.migrate()
                return .success(try await body(catalog, prepared))
            } catch let error as PSQLError {
                return .failure(DatabaseFailure(error))
            } catch {
                return .failure(error)
            }
        }
        await DatabaseBootstrap.shutdown(prepared, logger: logger)
        return try result.get()
    }

    /// `afa serve`: API and workers in one process.
    public static func serve(environment: [String: String], logger: Logger) async throws {
        let configuration = try AppConfiguration(environment: environment)
        let metrics = MetricsRegistry()
        metrics.bootstrap()
        try await withCatalog(configuration, logger: logger) { catalog, _ in
            try await checkStorageLocation(configuration, catalog: catalog)
            try await ensureAdminKey(catalog, configuration: configuration, logger: logger)
            let processing = try ProcessingSetup(configuration, catalog: catalog, logger: logger)
            await sweepStaging(processing.store, configuration, logger: logger)
            try await application(
                configuration, catalog: catalog, processing: processing, metrics: metrics, logger: logger
            )
            .runService()
        }
    }

    /// The HTTP application `afa serve` runs, with the workers beside it unless `WORKER_THREADS=0`.
    public static func application(
        _ configuration: AppConfiguration, catalog: CatalogDatabase, processing: ProcessingSetup,
        metrics: MetricsRegistry,
        logger: Logger, onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        buildApplication(
            dependencies(configuration, catalog: catalog, processing: processing, metrics: metrics),
            services: configuration.workers.concurrency > 0 ? [processing.workers] : [], logger: logger,
            onServerRunning: onServerRunning)
    }

    /// What the HTTP layer of `afa serve` is built from (every route is mounted: documents and the
    /// tags stage are part of it); the spec test walks the router built from the same.
    public static func dependencies(
        _ configuration: AppConfiguration, catalog: CatalogDatabase, processing: ProcessingSetup,
        metrics: MetricsRegistry
    ) -> AppDependencies {
        AppDependencies(
            catalog: catalog, store: processing.store, pipeline: processing.pipeline, metrics: metrics,
            configuration: configuration, documents: processing.documents,
            queryEmbedder: CLIPQueryEmbedder(
                model: processing.model, limits: MediaSettings(configuration.media).limits),
            modelStatus: { [model = processing.model] in model.status })
    }

    /// `afa worker`: workers only, sharing the queue with every other process on the database.
    public static func work(environment: [String: String], onlyStages: Set<String>?, logger: Logger) async throws {
        var settings = try AppConfiguration(environment: environment)
        settings.workers.onlyStages = onlyStages
        let configuration = settings
        try await withCatalog(configuration, logger: logger) { catalog, _ in
            try await checkStorageLocation(configuration, catalog: catalog)
            let processing = try ProcessingSetup(configuration, catalog: catalog, logger: logger)
            await sweepStaging(processing.store, configuration, logger: logger)
            let workers = processing.workers
            let group = ServiceGroup(
                configuration: .init(
                    services: [.init(service: workers)], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
            try await group.run()
        }
    }

    /// The blob store, the pipeline over it and the workers that run it, alike in every role.
    public struct ProcessingSetup: Sendable {
        public let store: any BlobStore
        public let pipeline: Pipeline
        public let workers: WorkerPool
        /// The CLIP model of the semantic stages, found (not loaded) at start-up.
        public let model: EmbeddingModel
        /// JSON collections; their review task runs on these workers whatever the pipeline.
        public let documents: DocumentServices

        /// `pipeline` replaces the standard graph (tests run graphs of their own through the same
        /// composition); `compute` shares one pool between several of these in one process.
        public init(
            _ configuration: AppConfiguration, catalog: CatalogDatabase, logger: Logger, compute: ComputePool? = nil,
            pipeline makePipeline: ((any BlobStore, ComputePool) -> Pipeline)? = nil
        ) throws {
            store = InlineAwareStore(base: try blobStore(configuration), catalog: catalog)
            let compute = compute ?? ComputePool(threads: configuration.computeThreads)
            let model = EmbeddingModel(configuration.embedding, compute: compute)
            self.model = model
            let documents = DocumentServices(
                catalog: catalog, compute: compute, store: store, settings: configuration.documents)
            self.documents = documents
            let graph =
                makePipeline?(store, compute)
                ?? Pipeline.standard(
                    store: store, catalog: catalog, compute: compute, maximumJSONBytes: configuration.maximumJSONBytes,
                    media: MediaSettings(configuration.media), model: model,
                    tagger: ZeroShotTagger(
                        minimumScore: Float(configuration.embedding.minimumTagScore),
                        maximumTags: configuration.embedding.maximumTags),
                    organise: configuration.organise)
            // Whatever the graph, the workers run the documents' reviews and the moves that
            // admins' decisions record.
            let shared: [any TaskHandler] =
                [documents.review]
                + Pipeline.organisationTasks(store: store, catalog: catalog, organise: configuration.organise)
                + [OrphanSweepTask(catalog: catalog, store: store, settings: configuration.orphanSweep, logger: logger)]
            pipeline = Pipeline(
                stages: graph.stages, tasks: graph.tasks + shared.filter { graph.task(kind: $0.kind) == nil })
            workers = WorkerPool(
                catalog: catalog, pipeline: pipeline, configuration: configuration.workers, logger: logger)
        }
    }

    /// `afa reprocess`: straight on the catalog, so it works whether or not a server runs.
    public static func reprocess(
        stage: String, filter: AssetFilter, environment: [String: String], logger: Logger
    ) async throws -> Int {
        let configuration = try AppConfiguration(environment: environment)
        return try await withCatalog(configuration, logger: logger) { catalog, _ in
            let pipeline = try ProcessingSetup(configuration, catalog: catalog, logger: logger).pipeline
            return try await Reprocessing(
                catalog: catalog, pipeline: pipeline, maxAttempts: configuration.workers.retry.maxAttempts
            ).reprocess(stage: stage, filter: filter, actor: "cli:reprocess")
        }
    }

    /// `afa audit verify --blobs`: every stored blob re-hashed against the catalog.
    public static func auditBlobs(
        _ configuration: AppConfiguration, catalog: CatalogDatabase
    ) async throws
        -> BlobAudit.Report
    {
        let store = InlineAwareStore(base: try blobStore(configuration), catalog: catalog)
        return try await BlobAudit(catalog: catalog, store: store).run()
    }

    /// The store `STORAGE_BACKEND` names. An S3 store stages uploads under `$AFA_DATA/s3-staging`,
    /// on this machine's own disk.
    public static func blobStore(_ configuration: AppConfiguration) throws -> any BlobStore {
        switch configuration.storage {
        case .filesystem:
            return try FileSystemStore(root: configuration.storagePath.path)
        case .s3(let settings):
            return try S3Store(
                settings: settings, stagingRoot: configuration.dataRoot.appending(path: "s3-staging").path)
        }
    }

    /// A process whose `STORAGE_BACKEND` is not where the catalog's blobs are would find none of
    /// them (and write new ones where nobody else looks): it stops before serving anything.
    static func checkStorageLocation(_ configuration: AppConfiguration, catalog: CatalogDatabase) async throws {
        let configured = configuration.storage.location
        let recorded = try await catalog.storageLocation.claim(configured)
        guard recorded == configured else {
            throw AppConfiguration.Invalid(
                description: "STORAGE_BACKEND=\(configured), but this catalog's blobs are in \(recorded)"
                    + " (moved there by `afa migrate-storage`?): set STORAGE_BACKEND=\(recorded)")
        }
    }

    /// A catalog without any admin key gets one, shown once and kept in `$AFA_DATA/admin.key` (0600).
    static func ensureAdminKey(_ catalog: CatalogDatabase, configuration: AppConfiguration, logger: Logger) async throws
    {
        guard try await catalog.apiKeys.countAdmins() == 0 else { return }
        let (key, _) = try await catalog.apiKeys.create(role: .admin, owner: "admin")
        let file = configuration.dataRoot.appending(path: "admin.key")
        try FileManager.default.createDirectory(at: configuration.dataRoot, withIntermediateDirectories: true)
        _ = FileManager.default.createFile(
            atPath: file.path, contents: Data((key + "\n").utf8), attributes: [.posixPermissions: 0o600])
        // Written straight to the descriptor: stdout may be a pipe, where print() would buffer it.
        let banner = """
            ────────────────────────────────────────────────────────────────
            First start: created an admin API key. It is shown only this once:
              \(key)
            It is also saved in \(file.path) (readable by you only).
            ────────────────────────────────────────────────────────────────

            """
        FileHandle.standardOutput.write(Data(banner.utf8))
        logger.notice("created the first admin API key", metadata: ["file": "\(file.path)"])
    }
}
