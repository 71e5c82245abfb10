import Catalog
import Foundation
import Logging
import Metrics
import PostgresNIO
import ServiceLifecycle
import Synchronization

/// Runs the workers of one process: per work class a lane of `concurrency(of:)` workers, each
/// claiming only that class's stages and tasks from the shared queue. Any number of pools, in
/// any number of processes, can share one database: claims never hand a job to two workers.
///
/// At start, in the background, it re-runs stages whose version changed and enqueues stages new
/// to the graph (`StageVersionSweep`); periodically it buries the jobs of lost workers and keeps
/// a run of every periodic task waiting.
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

    /// The claims of each lane: the stage names and task kinds of its class that this process runs.
    static func lanes(
        of pipeline: Pipeline, configuration: WorkerConfiguration
    ) -> [(workClass: WorkClass, names: [String], workers: Int)] {
        pipeline.workClasses.compactMap { workClass in
            let names = pipeline.names(in: workClass, among: configuration.onlyStages)
            let workers = configuration.concurrency(of: workClass)
            return names.isEmpty || workers == 0 ? nil : (workClass, names, workers)
        }
    }

    public func run() async throws {
        let lanes = Self.lanes(of: pipeline, configuration: configuration)
        // Said here, not before the service group runs: the group traps SIGTERM before it starts
        // its services, so a process that has said this stops gracefully when asked.
        logger.info("worker started", metadata: ["concurrency": "\(configuration.concurrency)"])
        await withGracefulShutdownHandler {
            // Children report whether they were a worker: the listener, the reaper and the sweep
            // are cancelled once every worker has finished its last job, not before.
            await withTaskGroup(of: Bool.self) { group in
                group.addTask {
                    await listener.run(ringing: doorbell, until: { stopping.isSet })
                    return false
                }
                group.addTask {
                    await buryJobsOfLostWorkers()
                    return false
                }
                group.addTask {
                    await StageVersionSweep(
                        catalog: catalog, pipeline: pipeline, configuration: configuration, logger: logger
                    )
                    .run(until: { stopping.isSet })
                    return false
                }
                var running = 0
                for lane in lanes {
                    for index in 0..<lane.workers {
                        running += 1
                        group.addTask {
                            await workLoop(
                                name: "\(lane.workClass)#\(index)", claiming: lane.names,
                                batch: configuration.claimBatch(of: lane.workClass))
                            return true
                        }
                    }
                }
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

    /// A job whose worker died on its last attempt is never claimed again: declare it dead. And
    /// every periodic task has a run waiting, even after one of its runs died.
    private func buryJobsOfLostWorkers() async {
        while !stopping.isSet && !Task.isCancelled {
            do {
                let buried = try await catalog.jobs.buryExpiredLastAttempts()
                if buried > 0 {
                    logger.warning("jobs lost their worker on their last attempt", metadata: ["count": "\(buried)"])
                }
                for task in pipeline.tasks where configuration.onlyStages?.contains(task.kind) ?? true {
                    guard let next = task.nextRun(maxAttempts: configuration.retry.maxAttempts) else { continue }
                    try await catalog.jobs.ensureScheduled(next)
                }
            } catch {
                logger.debug("could not look for abandoned jobs: \(error)")
            }
            try? await Task.sleep(for: max(configuration.lease / 2, .seconds(1)))
        }
    }

    private func workLoop(name: String, claiming names: [String], batch: Int) async {
        let worker = "\(configuration.workerID)#\(name)"
        let stopping = self.stopping
        let runner = JobRunner(
            catalog: catalog, pipeline: pipeline, configuration: configuration, worker: worker, logger: logger,
            isStopping: { stopping.isSet })
        while !stopping.isSet && !Task.isCancelled {
            let rings = doorbell.rings
            do {
                let jobs = try await catalog.jobs.claim(
                    worker: worker, lease: configuration.lease, stages: names, limit: batch)
                if !jobs.isEmpty {
                    await runner.run(jobs)
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
