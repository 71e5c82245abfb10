import Crypto
import Foundation

/// Where the binaries and the cluster live, and which account runs them.
struct ClusterLayout: Sendable {
    let dataDirectory: URL
    let account: String?
}

extension EmbeddedPostgres {
    /// A place every account can reach, for clones that live below a private directory such as /root.
    static let sharedRoot = URL(filePath: "/var/lib/afa")

    func prepareLayout(createAccount: Bool = true) async throws -> ClusterLayout {
        let preferred = dataRoot.appending(path: "pg")
        guard PostgresAccount.required() else { return ClusterLayout(dataDirectory: preferred, account: nil) }

        let account = PostgresAccount()
        if createAccount { try await account.ensureExists() }
        if !(try await account.canExecute(installation.binary("postgres"))) {
            throw EmbeddedPostgresError.notReachable(path: installation.root.path, account: PostgresAccount.name)
        }
        if try await account.canEnter(dataRoot.path) {
            return ClusterLayout(dataDirectory: preferred, account: PostgresAccount.name)
        }
        // The data folder is private to root: keep the cluster in the shared root, one per data folder.
        let digest = SHA256.hash(data: Data(dataRoot.path.utf8)).prefix(8).map { String(format: "%02x", $0) }.joined()
        let fallback = Self.sharedRoot.appending(path: "clusters/\(digest)")
        try FileManager.default.createDirectory(
            at: fallback.deletingLastPathComponent(), withIntermediateDirectories: true,
            attributes: [.posixPermissions: 0o755])
        try? "\(fallback.path)\n".write(to: dataRoot.appending(path: "pg-location"), atomically: true, encoding: .utf8)
        return ClusterLayout(dataDirectory: fallback, account: PostgresAccount.name)
    }
}
