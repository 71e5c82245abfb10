import Foundation
import Logging
import PostgresNIO

/// Recomputes every chain and reports the first broken link (`afa audit verify`).
public struct LineageVerifier: Sendable {
    public struct Report: Sendable, Codable, Equatable {
        /// Chains checked: one per asset and one per other subject (collection, cluster, proposal, task).
        public var chains = 0
        public var events = 0
        public var firstBrokenLink: BrokenLink?
        public var intact: Bool { firstBrokenLink == nil }
    }

    public struct BrokenLink: Sendable, Codable, Equatable {
        /// The asset id, or `type:key` for another subject.
        public let subject: String
        public let seq: Int
        public let reason: String
    }

    let client: PostgresClient
    let logger: Logger

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    public func verify() async throws -> Report {
        let rows = try await client.query(
            """
            SELECT asset_id, subject_type, subject_key, seq, ((extract(epoch FROM at) * 1000000)::bigint), actor,
                   action, detail::text, prev_hash, hash
            FROM lineage ORDER BY asset_id NULLS LAST, subject_type, subject_key, seq
            """, logger: logger)
        var report = Report()
        var currentChain: LineageSubject?
        var previousHash: [UInt8]?
        var expectedSeq = 1
        let columns = (UUID?, String?, String?, Int, Int64, String, String, String, ByteBuffer?, ByteBuffer).self
        for try await (assetID, type, key, seq, at, actor, action, detail, prevBuffer, hashBuffer) in rows.decode(
            columns)
        {
            let subject: LineageSubject =
                if let assetID { .asset(assetID) } else {
                    .other(try .decoded(type ?? "", column: "lineage.subject_type"), key: key ?? "")
                }
            let prevHash = prevBuffer.map { Array($0.readableBytesView) }
            let hash = Array(hashBuffer.readableBytesView)
            if subject != currentChain {
                currentChain = subject
                previousHash = nil
                expectedSeq = 1
                report.chains += 1
            }
            report.events += 1
            func broken(_ reason: String) -> Report {
                report.firstBrokenLink = BrokenLink(subject: subject.description, seq: seq, reason: reason)
                return report
            }
            if seq != expectedSeq { return broken("expected event \(expectedSeq), found \(seq): an event is missing") }
            if prevHash != previousHash { return broken("prev_hash does not match the hash of event \(seq - 1)") }
            let recomputed = LineageHash.compute(
                previous: previousHash, subject: subject, seq: seq, atMicroseconds: at, actor: actor, action: action,
                detailText: detail)
            if recomputed != hash { return broken("hash does not match the event's content: the event was altered") }
            previousHash = hash
            expectedSeq += 1
        }
        return report
    }
}
