import Crypto
import Foundation

/// The hash of one lineage event covers the previous event's hash, so editing or removing an
/// event breaks every later link of that asset's chain. PostgreSQL computes it on insert (see
/// `LineageLog.append`) and `LineageVerifier` recomputes it here, independently, from the row.
///
/// Hashed text: previous hash (hex, empty for the first event), the subject (an asset's id, or
/// `type:key` for other subjects), sequence number,
/// time in microseconds since 1970, actor, action and the detail as PostgreSQL renders `jsonb`,
/// joined by newlines.
enum LineageHash {
    static func compute(
        previous: [UInt8]?, subject: LineageSubject, seq: Int, atMicroseconds: Int64, actor: String, action: String,
        detailText: String
    ) -> [UInt8] {
        let fields = [
            previous.map(hex) ?? "", subject.description, String(seq), String(atMicroseconds), actor,
            action, detailText,
        ]
        return Array(SHA256.hash(data: Data(fields.joined(separator: "\n").utf8)))
    }

    static func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }

    /// The same text, as SQL over the columns of the asset event being inserted.
    static let sqlExpression = sql(subject: "asset_id::text")
    /// The same for a subject other than an asset.
    static let subjectSQLExpression = sql(subject: "subject_type || ':' || subject_key")

    private static func sql(subject: String) -> String {
        """
        sha256(convert_to(concat_ws(E'\\n', coalesce(encode(prev_hash, 'hex'), ''), \(subject), seq::text,
            ((extract(epoch FROM at) * 1000000)::bigint)::text, actor, action, detail::text), 'UTF8'))
        """
    }
}
