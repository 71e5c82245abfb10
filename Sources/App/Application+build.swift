import Catalog
import Documents
import Hummingbird
import Ingest
import Jobs
import Logging
import Search
import ServiceLifecycle
import Storage

/// What the HTTP layer needs, built once by the command that starts the server.
public struct AppDependencies: Sendable {
    public let catalog: CatalogDatabase
    public let store: any BlobStore
    public let pipeline: Pipeline
    public let metrics: MetricsRegistry
    public let configuration: AppConfiguration
    /// The semantic model's state, asked for at each `/readyz`.
    public let modelStatus: @Sendable () -> ModelStatus?
    /// JSON collections: placing documents, proposals. Nil serves no collection routes and
    /// leaves documents unplaced (pipelines under test that are about the queue alone).
    public let documents: DocumentServices?
    /// Turns search queries into vectors of the media's model; nil searches by words alone.
    public let queryEmbedder: (any QueryEmbedder)?

    public init(
        catalog: CatalogDatabase, store: any BlobStore, pipeline: Pipeline, metrics: MetricsRegistry,
        configuration: AppConfiguration, documents: DocumentServices? = nil,
        queryEmbedder: (any QueryEmbedder)? = nil, modelStatus: @escaping @Sendable () -> ModelStatus? = { nil }
    ) {
        self.catalog = catalog
        self.store = store
        self.pipeline = pipeline
        self.metrics = metrics
        self.configuration = configuration
        self.documents = documents
        self.queryEmbedder = queryEmbedder
        self.modelStatus = modelStatus
    }
}

public func buildRouter(_ dependencies: AppDependencies, logger: Logger) -> Router<AppRequestContext> {
    let router = Router(context: AppRequestContext.self)
    router.add(middleware: ErrorMiddleware())
    router.add(middleware: MetricsMiddleware())
    router.add(middleware: LogRequestsMiddleware(.debug))
    HealthController(
        catalog: dependencies.catalog, metrics: dependencies.metrics, modelStatus: dependencies.modelStatus
    )
    .addRoutes(to: router)
    OpenAPIController().addRoutes(to: router)

    let principals = PrincipalCache()
    let api = router.group("api/v1").add(
        middleware: APIKeyMiddleware(keys: dependencies.catalog.apiKeys, cache: principals))
    let configuration = dependencies.configuration
    let ingest = IngestService(
        catalog: dependencies.catalog, store: dependencies.store,
        firstStage: dependencies.pipeline.root.reference,
        maxAttempts: configuration.workers.retry.maxAttempts,
        inlineDocumentBytes: configuration.inlineDocumentBytes, documents: dependencies.documents?.ingest,
        settledDocumentStages: dependencies.pipeline.stagesSettledAtIngest, logger: logger)
    IngestController(
        service: ingest,
        catalog: dependencies.catalog, pipeline: dependencies.pipeline, store: dependencies.store,
        limits: .init(
            maximumBodyBytes: configuration.maximumUploadBytes, maximumJSONBytes: configuration.maximumJSONBytes,
            maximumItems: configuration.maximumItemsPerRequest, maximumCommentBytes: configuration.maximumCommentBytes,
            maximumDocumentBytes: dependencies.documents == nil ? .max : configuration.documents.maximumDocumentBytes)
    ).addRoutes(to: api)
    ObjectsController(catalog: dependencies.catalog, store: dependencies.store).addRoutes(to: api)
    ThumbnailController(catalog: dependencies.catalog, store: dependencies.store).addRoutes(to: api)
    if dependencies.documents != nil {
        CollectionsController(catalog: dependencies.catalog, store: dependencies.store).addRoutes(to: api)
    }
    ProposalsController(catalog: dependencies.catalog, approvals: dependencies.documents?.approvals).addRoutes(to: api)
    OrganisationController(catalog: dependencies.catalog).addRoutes(to: api)
    SearchController(
        search: MediaSearch(
            catalog: dependencies.catalog, embedder: dependencies.queryEmbedder, settings: configuration.search),
        catalog: dependencies.catalog, store: dependencies.store, ingest: ingest,
        metrics: SearchMetrics(registry: dependencies.metrics.registry),
        maximumImageBytes: configuration.maximumSearchImageBytes
    ).addRoutes(to: api)
    let admin = api.group("admin")
    AdminController(catalog: dependencies.catalog, store: dependencies.store, principals: principals).addRoutes(
        to: admin)
    let reprocessing = Reprocessing(
        catalog: dependencies.catalog, pipeline: dependencies.pipeline,
        maxAttempts: configuration.workers.retry.maxAttempts)
    ReprocessController(reprocessing: reprocessing).addRoutes(to: admin)
    if dependencies.pipeline.stage(named: "tags") != nil {
        TagVocabularyController(catalog: dependencies.catalog, reprocessing: reprocessing).addRoutes(to: admin)
    }
    return router
}

/// The HTTP server plus the long-lived services that run beside it (workers, the database
/// client); all of them stop together on SIGTERM/SIGINT.
public func buildApplication(
    _ dependencies: AppDependencies, services: [any Service], logger: Logger,
    onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
) -> some ApplicationProtocol {
    Application(
        router: buildRouter(dependencies, logger: logger),
        server: .guardedHTTP1(limits: dependencies.configuration.http),
        configuration: .init(
            address: .hostname(dependencies.configuration.host, port: dependencies.configuration.port),
            serverName: "afa"),
        services: services,
        onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? 0) },
        logger: logger)
}
