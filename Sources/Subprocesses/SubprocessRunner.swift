import Foundation
import Subprocess
import SystemPackage

/// Runs a helper program to completion and captures its output: `initdb` and `pg_ctl` for the
/// embedded database, `ffprobe` and `ffmpeg` for media. Each child gets a session of its own, so
/// on a timeout, or when the task awaiting it is cancelled, the whole process group is killed:
/// a shell or a tool that forked helpers leaves nothing behind.
public struct SubprocessRunner: Sendable {
    /// How long a run may take before it is killed; nil for no limit.
    public var timeout: Duration?
    /// Output beyond this many bytes (per stream) fails the run rather than filling memory.
    public var outputLimit: Int

    public init(timeout: Duration? = nil, outputLimit: Int = 1 << 20) {
        self.timeout = timeout
        self.outputLimit = outputLimit
    }

    public struct Output: Sendable {
        public let succeeded: Bool
        /// The exit code, or nil when a signal ended it.
        public let exitCode: Int32?
        public let standardOutput: String
        public let standardError: String
        public var text: String { standardOutput + standardError }
    }

    public struct Failure: Error, CustomStringConvertible {
        public let command: [String]
        public let output: String
        public var description: String {
            "`\(command.joined(separator: " "))` failed: \(output.trimmingCharacters(in: .whitespacesAndNewlines))"
        }
    }

    public struct TimedOut: Error, CustomStringConvertible {
        public let command: [String]
        public let limit: Duration
        public var description: String { "`\(command.first ?? "")` did not finish within \(limit) and was killed" }
    }

    /// Runs `command` (looked up on PATH unless it is a path), as `account` when one is given
    /// (we may be root, and postgres refuses root).
    public func run(_ command: [String], as account: String? = nil) async throws -> Output {
        let full = account.map { ["runuser", "-u", $0, "--"] + command } ?? command
        guard let timeout else { return try await spawn(full) }
        return try await withThrowingTaskGroup(of: Output?.self) { group in
            group.addTask { try await spawn(full) }
            group.addTask {
                try await Task.sleep(for: timeout)
                return nil
            }
            defer { group.cancelAll() }
            // Cancelling the spawn (when the timer wins) kills the child's process group.
            guard let first = try await group.next(), let output = first else {
                throw TimedOut(command: command, limit: timeout)
            }
            return output
        }
    }

    /// Runs `command` and throws with its output when it fails.
    @discardableResult
    public func check(_ command: [String], as account: String? = nil) async throws -> String {
        let output = try await run(command, as: account)
        guard output.succeeded else { throw Failure(command: command, output: output.text) }
        return output.standardOutput
    }

    private func spawn(_ command: [String]) async throws -> Output {
        var options = PlatformOptions()
        options.createSession = true
        options.teardownSequence = [.send(signal: .kill, toProcessGroup: true, allowedDurationToNextStep: .zero)]
        let executable: Executable = command[0].contains("/") ? .path(FilePath(command[0])) : .name(command[0])
        let result = try await Subprocess.run(
            executable, arguments: Arguments(Array(command.dropFirst())), platformOptions: options,
            output: .string(limit: outputLimit), error: .string(limit: outputLimit))
        let exitCode: Int32? =
            if case .exited(let code) = result.terminationStatus { code } else { nil }
        return Output(
            succeeded: result.terminationStatus.isSuccess, exitCode: exitCode,
            standardOutput: result.standardOutput, standardError: result.standardError)
    }
}
