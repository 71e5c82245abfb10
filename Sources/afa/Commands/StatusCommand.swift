import ArgumentParser
import AsyncHTTPClient
import Foundation

struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "Show the processing status of an ingest job.")

    @OptionGroup var client: ClientOptions
    @Argument(help: "The job_id returned by ingest.") var jobID: String
    @Flag(help: "Print the raw JSON.") var json = false

    func run() async throws {
        let (base, key) = try client.resolve()
        let http = HTTPClient.shared
        let status = try await fetchStatus(http, base: base, key: key, job: jobID)
        if json {
            let data = try JSONSerialization.data(
                withJSONObject: [
                    "job_id": status.job_id, "status": status.status,
                    "progress": [
                        "queued": status.progress.queued, "processing": status.progress.processing,
                        "done": status.progress.done, "failed": status.progress.failed,
                    ],
                    "items": status.items.map {
                        [
                            "system_id": $0.system_id, "state": $0.state, "error": $0.error ?? NSNull(),
                            "stages": $0.stages.map { stage in
                                [
                                    "stage": stage.stage, "state": stage.state, "version": stage.version,
                                    "attempts": stage.attempts, "reason": stage.reason ?? NSNull(),
                                ] as [String: Any]
                            },
                        ]
                            as [String: Any]
                    },
                ] as [String: Any], options: [.sortedKeys])
            print(String(decoding: data, as: UTF8.self))
            return
        }
        let progress = status.progress
        print(
            "job \(status.job_id): \(status.status)  (queued \(progress.queued), processing \(progress.processing), done \(progress.done), failed \(progress.failed))"
        )
        for item in status.items {
            print("  \(item.system_id)  \(item.state)\(item.error.map { "  error: \($0)" } ?? "")")
            for stage in item.stages {
                let reason = stage.reason.map { "  (\($0))" } ?? ""
                print("      \(stage.stage)@\(stage.version)  \(stage.state)\(reason)")
            }
        }
    }
}
