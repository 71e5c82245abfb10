import Foundation
import Logging
import PostgresNIO

/// Recomputes every chain and reports the first broken link (`afa audit verify`).
public struct LineageVerifier: Sendable {
    public struct Report: Sendable, Codable, Equatable {
        public var assets = 0
        public var events = 0
        public var firstBrokenLink: BrokenLink?
        public var intact: Bool { firstBrokenLink == nil }
    }

    public struct BrokenLink: Sendable, Codable, Equatable {
        public let assetID: UUID
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
            SELECT asset_id, seq, ((extract(epoch FROM at) * 1000000)::bigint), actor, action, detail::text,
                   prev_hash, hash
            FROM lineage ORDER BY asset_id, seq
            """, logger: logger)
        var report = Report()
        var currentAsset: UUID?
        var previousHash: [UInt8]?
        var expectedSeq = 1
        let columns = (UUID, Int, Int64, String, String, String, ByteBuffer?, ByteBuffer).self
        for try await (assetID, seq, at, actor, action, detail, prevBuffer, hashBuffer) in rows.decode(columns) {
            let prevHash = prevBuffer.map { Array($0.readableBytesView) }
            let hash = Array(hashBuffer.readableBytesView)
            if assetID != currentAsset {
                currentAsset = assetID
                previousHash = nil
                expectedSeq = 1
                report.assets += 1
            }
            report.events += 1
            func broken(_ reason: String) -> Report {
                report.firstBrokenLink = BrokenLink(assetID: assetID, seq: seq, reason: reason)
                return report
            }
            if seq != expectedSeq { return broken("expected event \(expectedSeq), found \(seq): an event is missing") }
            if prevHash != previousHash { return broken("prev_hash does not match the hash of event \(seq - 1)") }
            let recomputed = LineageHash.compute(
                previous: previousHash, assetID: assetID, seq: seq, atMicroseconds: at, actor: actor, action: action,
                detailText: detail)
            if recomputed != hash { return broken("hash does not match the event's content: the event was altered") }
            previousHash = hash
            expectedSeq += 1
        }
        return report
    }
}
