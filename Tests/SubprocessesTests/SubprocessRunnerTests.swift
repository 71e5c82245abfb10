import Foundation
import Subprocesses
import Testing

@Suite struct SubprocessRunnerTests {
    @Test func outputAndExitCodeAreCaptured() async throws {
        let output = try await SubprocessRunner().run(["sh", "-c", "echo out; echo err >&2; exit 3"])
        #expect(!output.succeeded)
        #expect(output.exitCode == 3)
        #expect(output.standardOutput == "out\n")
        #expect(output.standardError == "err\n")
        await #expect(throws: SubprocessRunner.Failure.self) { try await SubprocessRunner().check(["false"]) }
    }

    /// A shell that started helpers of its own: on timeout every process of its group is gone,
    /// not only the shell.
    @Test func aTimeoutKillsTheWholeProcessGroup() async throws {
        let marker = "afa-subprocess-test-\(UUID().uuidString.prefix(8))"
        let runner = SubprocessRunner(timeout: .milliseconds(500))
        let started = ContinuousClock.now
        await #expect(throws: SubprocessRunner.TimedOut.self) {
            try await runner.run(["sh", "-c", "\(helper(marker)) & \(helper(marker)); wait"])
        }
        // Well before the helpers' 30 s sleep ends, with room for a test process that shares two
        // cores with the whole parallel suite (it has stalled for 15 s at start-up there).
        #expect(ContinuousClock.now - started < .seconds(25))
        #expect(try await survivors(marker) == 0)
    }

    @Test func cancellingTheCallerKillsTheChild() async throws {
        let marker = "afa-subprocess-cancel-\(UUID().uuidString.prefix(8))"
        let task = Task { try await SubprocessRunner().run(["sh", "-c", helper(marker)]) }
        try await waitFor { try await survivors(marker) > 0 }
        task.cancel()
        _ = await task.result
        try await waitFor { try await survivors(marker) == 0 }
    }

    /// A child shell that sleeps; the marker in its command line lets `pgrep -f` find it.
    func helper(_ marker: String) -> String { "sh -c 'sleep 30; : \(marker)'" }

    /// Processes whose command line names the marker.
    func survivors(_ marker: String) async throws -> Int {
        let output = try await SubprocessRunner().run(["pgrep", "-f", marker])
        return output.standardOutput.split(separator: "\n").count
    }

    func waitFor(_ condition: () async throws -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(25)
        while ContinuousClock.now < deadline {
            if try await condition() { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        Issue.record("condition not met within 25 s")
    }
}
