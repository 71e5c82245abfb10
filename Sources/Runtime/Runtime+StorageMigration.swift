import App
import Catalog
import Ingest
import Logging
import Storage

extension Runtime {
    /// `afa migrate-storage --to LOCATION`: every blob of the configured store copied to
    /// `location` (`s3://bucket/prefix`, or `fs://` for `STORAGE_PATH`), then the catalog's
    /// record of where blobs live switched to it. With `dryRun`, only counted.
    public static func migrateStorage(
        to location: String, dryRun: Bool, concurrency: Int, environment: [String: String], logger: Logger,
        progress: @escaping @Sendable (StorageMigration.Report) -> Void
    ) async throws -> StorageMigration.Report {
        let configuration = try AppConfiguration(environment: environment)
        var targetSettings = configuration
        do { targetSettings.storage = try StorageBackend(location, environment: environment) } catch {
            throw AppConfiguration.Invalid(description: "--to \(location): \(error)")
        }
        let targetConfiguration = targetSettings
        guard targetConfiguration.storage != configuration.storage else {
            throw AppConfiguration.Invalid(description: "--to \(location) is the store in use already")
        }
        let source = try blobStore(configuration)
        let target = try blobStore(targetConfiguration)
        return try await withCatalog(configuration, logger: logger) { catalog, _ in
            // Blobs that are elsewhere already (an earlier migration) cannot be copied from here.
            try await checkStorageLocation(configuration, catalog: catalog)
            let migration = StorageMigration(
                catalog: catalog, source: source, sourceLocation: configuration.storage.location, target: target,
                targetLocation: targetConfiguration.storage.location, concurrency: concurrency)
            return dryRun
                ? try await migration.plan(progress: progress)
                : try await migration.run(actor: "cli:migrate-storage", progress: progress)
        }
    }
}
