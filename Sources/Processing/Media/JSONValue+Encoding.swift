import Catalog
import Foundation

extension JSONValue {
    /// A Codable fact (EXIF, ffprobe's description) as stored metadata.
    init(encoding value: some Encodable) throws {
        self = try JSONDecoder().decode(JSONValue.self, from: JSONEncoder().encode(value))
    }
}

enum PerceptualHashText {
    /// 16 lowercase hex digits, as lineage and the API show a hash.
    static func hex(_ hash: UInt64) -> String {
        let digits = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
