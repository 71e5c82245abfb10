import Catalog
import Foundation
import Logging
import PostgresNIO

/// Holds one pooled connection that LISTENs for new jobs and rings the doorbell; reconnects
/// after a failure. Workers poll as well, so an outage here slows wake-ups but loses nothing.
struct NotificationListener: Sendable {
    let client: PostgresClient
    let logger: Logger

    func run(ringing doorbell: Doorbell, until stopped: @escaping @Sendable () -> Bool) async {
        while !stopped() && !Task.isCancelled {
            do {
                try await client.withConnection { connection in
                    try await connection.listen(on: JobRepository.channel) { notifications in
                        // Notifications sent while we were not listening are lost: look once.
                        doorbell.ring()
                        for try await _ in notifications {
                            if stopped() { return }
                            doorbell.ring()
                        }
                    }
                }
            } catch {
                if !Task.isCancelled && !stopped() {
                    logger.warning("job notifications interrupted, polling meanwhile: \(error)")
                }
            }
            try? await Task.sleep(for: .seconds(1))
        }
    }
}
