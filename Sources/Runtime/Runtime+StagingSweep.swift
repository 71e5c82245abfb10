import App
import Foundation
import Logging
import Storage

extension Runtime {
    /// At start-up, the staging files that processes which have ended (crashed, killed) left
    /// behind go. Several processes may stage into one folder; the store never removes a file of
    /// one that is still running (see `FileSystemStore.sweepStaging`). A failure is only logged:
    /// leftovers cost space, not correctness, and the periodic orphan sweep tries again.
    static func sweepStaging(_ store: any BlobStore, _ configuration: AppConfiguration, logger: Logger) async {
        let grace = configuration.orphanSweep.stagingGrace.components
        let cutoff = Date().addingTimeInterval(-(Double(grace.seconds) + Double(grace.attoseconds) / 1e18))
        do {
            let removed = try await store.sweepStaging(before: cutoff)
            logger.info("swept staging", metadata: ["removed": "\(removed)"])
        } catch {
            logger.warning("could not sweep staging", metadata: ["error": "\(error)"])
        }
    }
}
