import AsyncHTTPClient
import Foundation
import WireTypes

/// `--wait`: polls every job's status until all are finished, showing how many assets are done.
/// Returns the number of assets that failed, after printing their reasons.
struct ProcessingWaiter {
    let client: HTTPClient
    let base: String
    let key: String

    func wait(for jobs: [String]) async throws -> Int {
        var finished: [String: IngestStatusResponse] = [:]
        while finished.count < jobs.count {
            var done = 0
            var total = 0
            for job in jobs where finished[job] == nil {
                let status = try await fetchStatus(client, base: base, key: key, job: job)
                if status.isFinished { finished[job] = status }
            }
            for status in finished.values {
                total += status.items.count
                done += status.progress.done + status.progress.failed
            }
            let line = "processing: \(finished.count)/\(jobs.count) jobs finished, \(done) assets settled"
            FileHandle.standardError.write(Data((line + "\r").utf8))
            if finished.count < jobs.count { try await Task.sleep(for: .milliseconds(500)) }
        }
        FileHandle.standardError.write(Data("\n".utf8))
        var failures = 0
        for status in finished.values {
            for item in status.items where item.state == "failed" {
                failures += 1
                let stage = item.stages.first { $0.state == "failed" || $0.state == "dead" }?.stage ?? "?"
                print("failed: \(item.system_id) at \(stage): \(item.error ?? "unknown reason")")
            }
        }
        print("processed: \(finished.values.reduce(0) { $0 + $1.progress.done }) done, \(failures) failed")
        return failures
    }
}
