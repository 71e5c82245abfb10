import Foundation
import Logging
import NIOCore
import PostgresNIO

/// Small documents' bytes, kept in the catalog by their SHA-256 (written by the ingest's own
/// statement, see `IngestRepository`). Read whole: they are at most `INLINE_DOCUMENT_BYTES`.
public struct InlineBlobRepository: Sendable {
    let client: PostgresClient
    let logger: Logger

    public func content(sha256: String) async throws -> ByteBuffer? {
        for try await row in try await client.execute(InlineContent(sha256: sha256), logger: logger) {
            return try row.decode(ByteBuffer.self)
        }
        return nil
    }

    public func size(sha256: String) async throws -> Int64? {
        let rows = try await client.query(
            "SELECT octet_length(content)::bigint FROM inline_blobs WHERE sha256 = decode(\(sha256), 'hex')",
            logger: logger)
        for try await size in rows.decode(Int64.self) { return size }
        return nil
    }

    /// True when a row was removed.
    @discardableResult
    public func delete(sha256: String) async throws -> Bool {
        let rows = try await client.query(
            "DELETE FROM inline_blobs WHERE sha256 = decode(\(sha256), 'hex') RETURNING 1", logger: logger)
        for try await _ in rows { return true }
        return false
    }
}

/// `InlineBlobRepository.content`, read by `verify` for every small document.
private struct InlineContent: HotStatement {
    static let sql = "SELECT content FROM inline_blobs WHERE sha256 = decode($1, 'hex')"
    let sha256: String

    func makeBindings() -> PostgresBindings { PostgresBindings(sha256) }
}
