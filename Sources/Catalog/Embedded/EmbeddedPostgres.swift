import Foundation
import Logging
import Subprocesses

/// Runs the PostgreSQL cluster that lives under `$AFA_DATA/pg` when no `DATABASE_URL` is given:
/// `initdb` once, `pg_ctl start` on a free loopback port, `pg_ctl stop` when asked.
/// A server that already runs on the same folder is reused rather than started twice.
public struct EmbeddedPostgres: Sendable {
    public struct Running: Sendable, Equatable {
        public let port: Int
        public let pid: Int32
        /// False when another process had already started it; only the starter stops it.
        public let startedHere: Bool
    }

    public static let superuser = "postgres"
    public static let databaseName = "afa"
    /// Room for an API node and several workers on one machine, each with a pool of up to 20.
    static let maximumConnections = 300

    /// Sized to the machine rather than to PostgreSQL's defaults (128 MB of cache, a checkpoint
    /// per GiB of WAL): an eighth of the memory for its cache, between 128 MiB and 2 GiB (the
    /// rest stays for `afa` itself and the file cache), and checkpoints every 4 GiB of WAL or
    /// 15 minutes. A batch ingest writes WAL fast; each checkpoint makes the next change to
    /// every page log the whole page, so fewer checkpoints mean less WAL for the same rows.
    static func sizing(physicalMemory: UInt64) -> String {
        let mebibytes = min(max((physicalMemory / 8) >> 20, 128), 2048)
        return "-c shared_buffers=\(mebibytes)MB -c max_wal_size=4GB -c checkpoint_timeout=15min"
    }

    let installation: PostgresInstallation
    let dataRoot: URL
    let logger: Logger
    let runner = SubprocessRunner()

    public init(installation: PostgresInstallation, dataRoot: URL, logger: Logger) {
        self.installation = installation
        self.dataRoot = dataRoot.standardizedFileURL
        self.logger = logger
    }

    /// Starts the cluster (creating it first if needed) or attaches to the one already running.
    public func start() async throws -> Running {
        try FileManager.default.createDirectory(at: dataRoot, withIntermediateDirectories: true)
        return try await FileLock.withLock(at: dataRoot.appending(path: "pg.lock")) {
            let layout = try await prepareLayout()
            if let running = try status(layout: layout) {
                logger.info(
                    "reusing embedded PostgreSQL", metadata: ["port": "\(running.port)", "pid": "\(running.pid)"])
                return running
            }
            try await initializeIfNeeded(layout)
            let port = try FreePort.find()
            let options =
                "-p \(port) -c listen_addresses=127.0.0.1 -c unix_socket_directories='' -c max_connections=\(Self.maximumConnections) "
                + Self.sizing(physicalMemory: ProcessInfo.processInfo.physicalMemory)
            let log = layout.dataDirectory.appending(path: "server.log").path
            let output = try await runner.run(
                [
                    installation.binary("pg_ctl"), "-D", layout.dataDirectory.path, "-l", log, "-w", "-t", "60",
                    "-o", options, "start",
                ], as: layout.account)
            guard output.succeeded, let running = try status(layout: layout) else {
                let tail = (try? String(contentsOfFile: log, encoding: .utf8))?.suffix(2000) ?? ""
                throw EmbeddedPostgresError.startFailed(log: output.text + tail)
            }
            logger.info(
                "started embedded PostgreSQL", metadata: ["port": "\(port)", "data": "\(layout.dataDirectory.path)"])
            return Running(port: running.port, pid: running.pid, startedHere: true)
        }
    }

    /// The running server, if any, without starting one.
    public func status() async throws -> Running? {
        try status(layout: try await prepareLayout(createAccount: false))
    }

    /// Set by `afa db start`: the operator wants the server up regardless of `afa serve`.
    var keepRunningMarker: URL { dataRoot.appending(path: "pg.keep-running") }

    public var keepsRunning: Bool {
        get { FileManager.default.fileExists(atPath: keepRunningMarker.path) }
        nonmutating set {
            if newValue {
                _ = FileManager.default.createFile(atPath: keepRunningMarker.path, contents: Data())
            } else {
                try? FileManager.default.removeItem(at: keepRunningMarker)
            }
        }
    }

    public func stop() async throws {
        keepsRunning = false
        let layout = try await prepareLayout(createAccount: false)
        guard try status(layout: layout) != nil else { throw EmbeddedPostgresError.notRunning }
        try await runner.check(
            [installation.binary("pg_ctl"), "-D", layout.dataDirectory.path, "-m", "fast", "-w", "-t", "60", "stop"],
            as: layout.account)
        logger.info("stopped embedded PostgreSQL")
    }

    private func initializeIfNeeded(_ layout: ClusterLayout) async throws {
        let versionFile = layout.dataDirectory.appending(path: "PG_VERSION")
        guard !FileManager.default.fileExists(atPath: versionFile.path) else { return }
        try FileManager.default.createDirectory(at: layout.dataDirectory, withIntermediateDirectories: true)
        if layout.account != nil { try await PostgresAccount().own(layout.dataDirectory.path) }
        try? FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: layout.dataDirectory.path)
        logger.info("initialising embedded PostgreSQL", metadata: ["data": "\(layout.dataDirectory.path)"])
        try await runner.check(
            [
                installation.binary("initdb"), "-D", layout.dataDirectory.path, "-U", Self.superuser, "-A", "trust",
                "-E", "UTF8", "--locale=C", "--no-instructions",
            ], as: layout.account)
    }

    /// Reads `postmaster.pid` (line 1: pid, line 4: port) and checks that the process is alive.
    private func status(layout: ClusterLayout) throws -> Running? {
        let pidFile = layout.dataDirectory.appending(path: "postmaster.pid")
        guard let text = try? String(contentsOf: pidFile, encoding: .utf8) else { return nil }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.count >= 4, let pid = Int32(lines[0]), let port = Int(lines[3]), kill(pid, 0) == 0 else {
            return nil
        }
        return Running(port: port, pid: pid, startedHere: false)
    }
}
