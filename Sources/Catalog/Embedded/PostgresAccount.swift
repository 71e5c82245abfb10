import Foundation
import Subprocesses

/// PostgreSQL refuses to run as root. When `afa` runs as root it runs `initdb`/`pg_ctl` as this
/// unprivileged system account, and makes sure that account can reach the binaries and the cluster.
struct PostgresAccount: Sendable {
    static let name = "afa-postgres"
    let runner = SubprocessRunner()

    /// `nil` when we are not root: then the server simply runs as the current user.
    static func required() -> Bool { geteuid() == 0 }

    func ensureExists() async throws {
        if try await runner.run(["id", "-u", Self.name]).succeeded { return }
        try await runner.check([
            "useradd", "--system", "--user-group", "--no-create-home", "--shell", "/usr/sbin/nologin", Self.name,
        ])
    }

    func canExecute(_ path: String) async throws -> Bool {
        try await runner.run(["test", "-x", path], as: Self.name).succeeded
    }

    func canEnter(_ directory: String) async throws -> Bool {
        try await runner.run(["test", "-x", directory, "-a", "-r", directory], as: Self.name).succeeded
    }

    func own(_ path: String) async throws {
        try await runner.check(["chown", "-R", "\(Self.name):\(Self.name)", path])
    }
}
