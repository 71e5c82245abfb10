import Logging
import PostgresNIO

/// The catalog's one record of where its blobs live: `fs://` or `s3://bucket/prefix`.
///
/// The first process to start records its own; every later one must agree, and only
/// `afa migrate-storage`, once every blob is copied, moves the record.
public struct StorageLocationRepository: Sendable {
    let client: PostgresClient
    let logger: Logger

    /// Records `location` if nothing is recorded yet; returns what is recorded now.
    public func claim(_ location: String) async throws -> String {
        let rows = try await client.query(
            """
            WITH claimed AS (
                INSERT INTO storage_location (location) VALUES (\(location))
                ON CONFLICT (only_row) DO NOTHING RETURNING location
            )
            SELECT location FROM claimed UNION ALL SELECT location FROM storage_location
            LIMIT 1
            """, logger: logger)
        for try await location in rows.decode(String.self) { return location }
        return location
    }

    public func current() async throws -> String? {
        let rows = try await client.query("SELECT location FROM storage_location", logger: logger)
        for try await location in rows.decode(String.self) { return location }
        return nil
    }

    public func switchTo(_ location: String) async throws {
        try await client.query(
            """
            INSERT INTO storage_location (location) VALUES (\(location))
            ON CONFLICT (only_row) DO UPDATE SET location = EXCLUDED.location, changed_at = now()
            """, logger: logger)
    }
}
