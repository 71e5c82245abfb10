import Foundation
import Synchronization

/// A one-line progress bar on stderr: files, bytes, rate and time left.
final class TransferProgress: Sendable {
    private struct Counts {
        var files = 0
        var bytes: Int64 = 0
    }

    let totalFiles: Int
    let totalBytes: Int64
    private let counts = Mutex(Counts())
    private let started = ContinuousClock.now

    init(files: Int, bytes: Int64) {
        totalFiles = files
        totalBytes = bytes
    }

    func add(bytes: Int64) { counts.withLock { $0.bytes += bytes } }
    func fileDone() { counts.withLock { $0.files += 1 } }

    func renderUntilCancelled(label: String) async {
        while !Task.isCancelled {
            render(label: label, terminator: "\r")
            try? await Task.sleep(for: .milliseconds(250))
        }
    }

    func finishLine(label: String) { render(label: label, terminator: "\n") }

    private func render(label: String, terminator: String) {
        let snapshot = counts.withLock { $0 }
        let elapsed = max((ContinuousClock.now - started) / .seconds(1), 0.001)
        let rate = Double(snapshot.bytes) / elapsed
        let fraction = totalBytes > 0 ? Double(snapshot.bytes) / Double(totalBytes) : 1
        let width = 24
        let filled = Int(fraction * Double(width))
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
        let remaining = rate > 0 ? Double(totalBytes - snapshot.bytes) / rate : 0
        let line = String(
            format: "%@ [%@] %d/%d files  %.1f/%.1f MiB  %.1f MiB/s  ETA %ds", label, bar, snapshot.files, totalFiles,
            Double(snapshot.bytes) / 1_048_576, Double(totalBytes) / 1_048_576, rate / 1_048_576, Int(remaining))
        FileHandle.standardError.write(Data((line + terminator).utf8))
    }
}
