import Storage

extension AppConfiguration {
    /// `ORPHAN_GRACE_SECONDS`, `ORPHAN_SWEEP_INTERVAL_SECONDS`, `STAGING_GRACE_SECONDS`.
    mutating func readOrphanSweepSettings(_ environment: [String: String]) throws {
        func seconds(_ name: String, in range: ClosedRange<Double>) throws -> Duration? {
            try Self.number(name, in: range, environment).map { .milliseconds(Int64($0 * 1000)) }
        }
        // Not below a minute: a blob written a moment ago may be an upload whose row is committing.
        if let grace = try seconds("ORPHAN_GRACE_SECONDS", in: 60...31_536_000) { orphanSweep.grace = grace }
        if let interval = try seconds("ORPHAN_SWEEP_INTERVAL_SECONDS", in: 1...604_800) {
            orphanSweep.interval = interval
        }
        if let grace = try seconds("STAGING_GRACE_SECONDS", in: 60...604_800) { orphanSweep.stagingGrace = grace }
    }
}
