public enum EmbeddedPostgresError: Error, CustomStringConvertible {
    case installationMissing(searched: [String])
    case notReachable(path: String, account: String)
    case startFailed(log: String)
    case runningButUnreachable(pid: Int32, port: Int, underlying: String)
    case notRunning

    public var description: String {
        switch self {
        case .installationMissing(let searched):
            return """
                the embedded PostgreSQL is not installed (looked in \(searched.joined(separator: ", "))). \
                Run `make setup` (or scripts/setup.sh), set AFA_PG_HOME, or set DATABASE_URL to use your own server.
                """
        case .notReachable(let path, let account):
            return
                "the PostgreSQL account '\(account)' cannot reach \(path); move AFA_DATA or the checkout somewhere it can"
        case .startFailed(let log):
            return "the embedded PostgreSQL did not start: \(log)"
        case .runningButUnreachable(let pid, let port, let underlying):
            return """
                a PostgreSQL server (pid \(pid)) already runs on this data folder (port \(port)) but does not \
                accept connections: \(underlying). Stop it with `afa db stop` or wait for it to finish starting.
                """
        case .notRunning:
            return "the embedded PostgreSQL is not running"
        }
    }
}
