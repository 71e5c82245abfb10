import Foundation

/// Writes float32 `.safetensors` files tensor by tensor, so a large checkpoint never has to be in
/// memory at once: the header (names, shapes, offsets) first, then each tensor's bytes.
public struct SafeTensorsWriter {
    public struct Entry {
        public var name: String
        public var shape: [Int]
        public var dtype: String

        public init(name: String, shape: [Int], dtype: String = "F32") {
            self.name = name
            self.shape = shape
            self.dtype = dtype
        }

        var byteCount: Int { shape.reduce(1, *) * (dtype == "F32" ? 4 : 2) }
    }

    /// The header for `entries`, stored in the given order and padded with spaces to 8 bytes.
    public static func header(_ entries: [Entry], metadata: [String: String] = ["format": "pt"]) throws -> [UInt8] {
        var object: [String: Any] = ["__metadata__": metadata]
        var offset = 0
        for entry in entries {
            object[entry.name] = [
                "dtype": entry.dtype, "shape": entry.shape, "data_offsets": [offset, offset + entry.byteCount],
            ]
            offset += entry.byteCount
        }
        var json = [UInt8](try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]))
        while json.count % 8 != 0 { json.append(UInt8(ascii: " ")) }
        var length = UInt64(json.count).littleEndian
        return withUnsafeBytes(of: &length) { Array($0) } + json
    }

    /// Writes `entries` to `url`; `fill(index, buffer)` supplies each tensor's bytes in order.
    public static func write(
        _ entries: [Entry], to url: URL, fill: (Int, UnsafeMutableRawBufferPointer) throws -> Void
    ) throws {
        guard FileManager.default.createFile(atPath: url.path, contents: nil) else {
            throw CLIPError.unreadableFile(path: url.path, reason: "cannot create the file")
        }
        let handle = try FileHandle(forWritingTo: url)
        defer { try? handle.close() }
        try handle.write(contentsOf: header(entries))
        for (index, entry) in entries.enumerated() {
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(entry.byteCount, 1), alignment: 64)
            defer { buffer.deallocate() }
            let bytes = UnsafeMutableRawBufferPointer(rebasing: buffer[0..<entry.byteCount])
            try fill(index, bytes)
            try handle.write(
                contentsOf: Data(
                    bytesNoCopy: bytes.baseAddress ?? buffer.baseAddress!, count: entry.byteCount, deallocator: .none))
        }
    }
}
