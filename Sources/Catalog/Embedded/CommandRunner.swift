import Foundation
import Subprocess

/// Runs a helper program (initdb, pg_ctl, runuser…) to completion and captures its output.
/// Used only for short administrative commands, never on a request path.
struct CommandRunner: Sendable {
    struct Failure: Error, CustomStringConvertible {
        let command: [String]
        let status: String
        let output: String
        var description: String {
            "`\(command.joined(separator: " "))` failed (\(status)): \(output.trimmingCharacters(in: .whitespacesAndNewlines))"
        }
    }

    struct Output: Sendable {
        let succeeded: Bool
        let text: String
    }

    /// Runs `command`, as `account` when one is given (we are root and postgres refuses root).
    func run(_ command: [String], as account: String? = nil) async throws -> Output {
        let full = account.map { ["runuser", "-u", $0, "--"] + command } ?? command
        let result = try await Subprocess.run(
            .name(full[0]),
            arguments: Arguments(Array(full.dropFirst())),
            output: .string(limit: 1 << 20),
            error: .string(limit: 1 << 20)
        )
        let text = result.standardOutput + result.standardError
        return Output(succeeded: result.terminationStatus.isSuccess, text: text)
    }

    /// Runs `command` and throws with its output when it fails.
    @discardableResult
    func check(_ command: [String], as account: String? = nil) async throws -> String {
        let output = try await run(command, as: account)
        guard output.succeeded else {
            throw Failure(command: command, status: "non-zero exit", output: output.text)
        }
        return output.text
    }
}
