import Catalog
import Foundation
import Logging
import Metrics
import PostgresNIO
import ServiceLifecycle
import Synchronization

/// Runs `concurrency` workers that claim jobs from the shared queue. Any number of pools, in any
/// number of processes, can share one database: claims never hand a job to two workers at once.
///
/// On graceful shutdown no new job is claimed and jobs in flight finish; if they are cancelled
/// instead, they are released back to the queue.
public struct WorkerPool: Service {
    let catalog: CatalogDatabase
    let pipeline: Pipeline
    let configuration: WorkerConfiguration
    let listener: NotificationListener
    let logger: Logger
    private let doorbell = Doorbell()
    private let stopping = StopFlag()

    public init(catalog: CatalogDatabase, pipeline: Pipeline, configuration: WorkerConfiguration, logger: Logger) {
        self.catalog = catalog
        self.pipeline = pipeline
        self.configuration = configuration
        self.listener = NotificationListener(client: catalog.client, logger: logger)
        self.logger = logger
    }

    public func run() async throws {
        await withGracefulShutdownHandler {
            // Children report whether they were a worker: the listener and the reaper are
            // cancelled once every worker has finished its last job, not before.
            await withTaskGroup(of: Bool.self) { group in
                group.addTask {
                    await listener.run(ringing: doorbell, until: { stopping.isSet })
                    return false
                }
                group.addTask {
                    await buryJobsOfLostWorkers()
                    return false
                }
                for index in 0..<configuration.concurrency {
                    group.addTask {
                        await workLoop(index: index)
                        return true
                    }
                }
                var running = configuration.concurrency
                while running > 0, let wasWorker = await group.next() {
                    if wasWorker { running -= 1 }
                }
                group.cancelAll()
            }
        } onGracefulShutdown: {
            stopping.set()
            doorbell.ring()
        }
    }

    /// A job whose worker died on its last attempt is never claimed again; declare it dead.
    private func buryJobsOfLostWorkers() async {
        while !stopping.isSet && !Task.isCancelled {
            do {
                let buried = try await catalog.jobs.buryExpiredLastAttempts()
                if buried > 0 {
                    logger.warning("jobs lost their worker on their last attempt", metadata: ["count": "\(buried)"])
                }
            } catch {
                logger.debug("could not look for abandoned jobs: \(error)")
            }
            try? await Task.sleep(for: max(configuration.lease / 2, .seconds(1)))
        }
    }

    private func workLoop(index: Int) async {
        let worker = "\(configuration.workerID)#\(index)"
        let runner = JobRunner(
            catalog: catalog, pipeline: pipeline, configuration: configuration, worker: worker, logger: logger)
        while !stopping.isSet && !Task.isCancelled {
            let rings = doorbell.rings
            do {
                if let job = try await catalog.jobs.claim(worker: worker, lease: configuration.lease) {
                    await runner.run(job)
                    continue
                }
            } catch {
                logger.warning("could not claim a job", metadata: ["error": "\(String(reflecting: error))"])
            }
            await doorbell.wait(upTo: configuration.pollInterval, unlessRungSince: rings)
        }
    }
}

/// Set once, on graceful shutdown; read by every worker loop.
final class StopFlag: Sendable {
    private let value = Atomic<Bool>(false)
    var isSet: Bool { value.load(ordering: .acquiring) }
    func set() { value.store(true, ordering: .releasing) }
}
