import Foundation
import Testing

@testable import Catalog
@testable import TestSupport

/// The embedded cluster is sized to the machine, not left at PostgreSQL's defaults.
@Suite struct EmbeddedSizingTests {
    @Test func theCacheIsAnEighthOfMemoryWithinBounds() {
        let gibibyte: UInt64 = 1 << 30
        #expect(EmbeddedPostgres.sizing(physicalMemory: 512 << 20).contains("shared_buffers=128MB"))
        #expect(EmbeddedPostgres.sizing(physicalMemory: 8 * gibibyte).contains("shared_buffers=1024MB"))
        #expect(EmbeddedPostgres.sizing(physicalMemory: 64 * gibibyte).contains("shared_buffers=2048MB"))
    }

    @Test func theRunningClusterUsesTheSizing() async throws {
        try await withCatalog { catalog, _ in
            let rows = try await catalog.client.query(
                "SELECT current_setting('max_wal_size'), current_setting('checkpoint_timeout')")
            for try await (wal, checkpoints) in rows.decode((String, String).self) {
                #expect(wal == "4GB")
                #expect(checkpoints == "15min")
            }
        }
    }
}
