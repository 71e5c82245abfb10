import Foundation
import Logging
import PostgresNIO

/// Hamming look-ups over perceptual hashes without reading every hash: multi-index hashing on
/// the four 16-bit bands (migration 5). If two hashes differ in at most `d` bits, one of the
/// four bands differs in at most `d / 4` of them (pigeonhole), so the query asks each band's
/// index for the values within that radius (1, 17, 137 or 697 of them) and checks the full
/// distance only on those rows.
public struct PerceptualHashRepository: Sendable {
    let client: PostgresClient
    let logger: Logger

    public struct Match: Sendable, Equatable {
        public let assetID: UUID
        public let segment: Int
        public let hash: UInt64
        public let distance: Int
    }

    /// Distances up to 15: beyond that a band radius of 4 enumerates thousands of values per band,
    /// and pictures that far apart are not near-duplicates anyway.
    public static let maximumDistance = 15

    /// The hashes within `distance` bits of `hash`, nearest first; only `owner`'s when given, of
    /// live media (not in the trash), never `excluding`'s own.
    public func near(
        _ hash: UInt64, within distance: Int, owner: String?, excluding: UUID? = nil, limit: Int = 100
    ) async throws -> [Match] {
        precondition((0...Self.maximumDistance).contains(distance), "distance 0…\(Self.maximumDistance)")
        let radius = distance / 4
        let bands = (0..<4).map { band in
            Self.neighbours(UInt16(truncatingIfNeeded: hash >> (48 - 16 * band)), radius: radius).map { Int32($0) }
        }
        let signed = Int64(bitPattern: hash)
        let rows = try await client.query(
            """
            SELECT p.asset_id, p.segment, p.hash, bit_count((p.hash # \(signed))::bit(64))::int AS distance
            FROM perceptual_hashes p JOIN assets a ON a.id = p.asset_id
            WHERE (p.band0 = ANY(\(bands[0])) OR p.band1 = ANY(\(bands[1])) OR p.band2 = ANY(\(bands[2]))
                   OR p.band3 = ANY(\(bands[3])))
              AND bit_count((p.hash # \(signed))::bit(64)) <= \(distance)
              AND (\(owner)::text IS NULL OR a.owner = \(owner))
              AND (\(excluding)::uuid IS NULL OR p.asset_id <> \(excluding))
              AND a.trashed_at IS NULL AND a.status <> 'purged'
            ORDER BY distance, p.asset_id, p.segment
            LIMIT \(limit)
            """, logger: logger)
        var matches: [Match] = []
        for try await (asset, segment, stored, bits) in rows.decode((UUID, Int, Int64, Int).self) {
            matches.append(Match(assetID: asset, segment: segment, hash: UInt64(bitPattern: stored), distance: bits))
        }
        return matches
    }

    /// Every 16-bit value within `radius` bits of `value`, `value` first.
    static func neighbours(_ value: UInt16, radius: Int) -> [UInt16] {
        var result: [UInt16] = [value]
        var frontier: [(value: UInt16, lowestBit: Int)] = [(value, 0)]
        for _ in 0..<radius {
            var next: [(value: UInt16, lowestBit: Int)] = []
            for item in frontier {
                for bit in item.lowestBit..<16 {
                    let flipped = item.value ^ (1 << UInt16(bit))
                    result.append(flipped)
                    next.append((flipped, bit + 1))
                }
            }
            frontier = next
        }
        return result
    }
}
