import Foundation

/// The relocatable PostgreSQL 16 + pgvector tree unpacked by `scripts/setup.sh`.
public struct PostgresInstallation: Sendable {
    public let root: URL

    public var binDirectory: URL { root.appending(path: "bin") }
    func binary(_ name: String) -> String { binDirectory.appending(path: name).path }

    public init(root: URL) { self.root = root }

    /// Finds the installation: `AFA_PG_HOME`, then `.deps/postgres` in the working directory or
    /// above the running executable (so `.build/debug/afa` finds the repository's copy).
    public static func locate(home: String?) throws -> PostgresInstallation {
        var candidates: [URL] = []
        if let home, !home.isEmpty {
            candidates.append(URL(filePath: home))
        }
        candidates.append(URL(filePath: FileManager.default.currentDirectoryPath).appending(path: ".deps/postgres"))
        var directory = URL(filePath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<5 {
            candidates.append(directory.appending(path: ".deps/postgres"))
            directory = directory.deletingLastPathComponent()
        }
        for candidate in candidates
        where FileManager.default.isExecutableFile(atPath: candidate.appending(path: "bin/postgres").path) {
            return PostgresInstallation(root: candidate.standardizedFileURL)
        }
        throw EmbeddedPostgresError.installationMissing(searched: candidates.map(\.path))
    }
}
