import App
import Foundation
import Ingest
import Storage
import Testing

@testable import TestSupport

/// Blobs no catalog row names are removed once older than the grace period, on the filesystem
/// store (`OrphanSweepScenario` runs the same on any store).
@Suite struct OrphanSweepTests {
    @Test func aCrashBetweenUploadAndCommitLeavesNoOrphanOnceSwept() async throws {
        try await TestApp.run(workers: 2, configure: OrphanSweepScenario.configure) { client, app in
            let store = InlineAwareStore(base: try FileSystemStore(root: app.storageRoot.path), catalog: app.catalog)
            try await OrphanSweepScenario.run(store: store, client: client, app: app)
            let view = try await Organising.folderView(app)
            #expect(view.isConsistent, "\(view)")
        }
    }

    @Test func theGracePeriodCannotBeSetBelowAMinute() throws {
        let configured = try AppConfiguration(environment: [
            "ORPHAN_GRACE_SECONDS": "7200", "ORPHAN_SWEEP_INTERVAL_SECONDS": "600", "STAGING_GRACE_SECONDS": "120",
        ])
        #expect(configured.orphanSweep.grace == .seconds(7200))
        #expect(configured.orphanSweep.interval == .seconds(600))
        #expect(configured.orphanSweep.stagingGrace == .seconds(120))
        #expect(try AppConfiguration(environment: [:]).orphanSweep.grace == .seconds(86_400))
        #expect(throws: AppConfiguration.Invalid.self) {
            try AppConfiguration(environment: ["ORPHAN_GRACE_SECONDS": "5"])
        }
    }
}
