import Foundation

/// A `.safetensors` file: an 8-byte little-endian header length, a JSON header naming each tensor's
/// dtype, shape and byte range, then the raw data. Every offset is checked against the file size
/// before anything is read, so a damaged file produces an error, never a crash.
final class SafeTensorsFile: Sendable {
    enum DType: String, Sendable {
        case float32 = "F32"
        case float16 = "F16"
        case bfloat16 = "BF16"

        var byteCount: Int { self == .float32 ? 4 : 2 }
    }

    struct Entry: Sendable {
        let name: String
        let dtype: String
        let shape: [Int]
        /// Absolute byte range in the file.
        let byteRange: Range<Int>
    }

    let file: MappedFile
    let entries: [String: Entry]

    var path: String { file.path }

    init(url: URL) throws {
        file = try MappedFile(url: url)
        entries = try Self.parseHeader(file)
    }

    private static func parseHeader(_ file: MappedFile) throws -> [String: Entry] {
        let path = file.path
        guard file.size >= 8 else {
            throw CLIPError.truncatedFile(
                path: path, reason: "\(file.size) bytes, shorter than the 8-byte header length")
        }
        let headerLength = UInt64(littleEndian: file.base.loadUnaligned(as: UInt64.self))
        guard headerLength <= UInt64(file.size - 8) else {
            throw CLIPError.truncatedFile(
                path: path,
                reason: "header claims \(headerLength) bytes but only \(file.size - 8) follow the length field")
        }
        let dataStart = 8 + Int(headerLength)
        let headerBytes = Data(bytes: file.base + 8, count: Int(headerLength))
        let json: Any
        do {
            json = try JSONSerialization.jsonObject(with: headerBytes)
        } catch {
            throw CLIPError.malformedHeader(
                path: path, reason: "header is not valid JSON (\(error.localizedDescription))")
        }
        guard let header = json as? [String: Any] else {
            throw CLIPError.malformedHeader(path: path, reason: "header is not a JSON object")
        }
        var entries: [String: Entry] = [:]
        for (name, value) in header where name != "__metadata__" {
            guard let object = value as? [String: Any],
                let dtype = object["dtype"] as? String,
                let shape = (object["shape"] as? [Any])?.compactMap({ ($0 as? NSNumber)?.intValue }),
                let offsets = (object["data_offsets"] as? [Any])?.compactMap({ ($0 as? NSNumber)?.intValue }),
                offsets.count == 2
            else {
                throw CLIPError.malformedHeader(
                    path: path, reason: "entry '\(name)' lacks dtype, shape or data_offsets")
            }
            let begin = offsets[0]
            let end = offsets[1]
            guard shape.allSatisfy({ $0 >= 0 }), begin >= 0, end >= begin else {
                throw CLIPError.malformedHeader(path: path, reason: "entry '\(name)' has negative sizes or offsets")
            }
            guard end <= file.size - dataStart else {
                throw CLIPError.truncatedFile(
                    path: path,
                    reason: "tensor '\(name)' ends at data byte \(end) but the file holds only \(file.size - dataStart)"
                )
            }
            let (elementCount, overflow) = shape.reduce((1, false)) { partial, dimension in
                let product = partial.0.multipliedReportingOverflow(by: dimension)
                return (product.partialValue, partial.1 || product.overflow)
            }
            if let known = DType(rawValue: dtype) {
                guard !overflow, elementCount * known.byteCount == end - begin else {
                    throw CLIPError.malformedHeader(
                        path: path,
                        reason: "tensor '\(name)' of shape \(shape) \(dtype) does not fill \(end - begin) bytes")
                }
            }
            entries[name] = Entry(
                name: name, dtype: dtype, shape: shape, byteRange: (dataStart + begin)..<(dataStart + end))
        }
        return entries
    }

    /// Whether every tensor the model will use is stored as float32 (so nothing gets converted).
    var storedDTypes: Set<String> { Set(entries.values.map(\.dtype)) }

    /// Drops a tensor's pages from the resident set once its values live elsewhere (packed).
    func release(_ name: String) {
        guard let entry = entries[name] else { return }
        file.release(offset: entry.byteRange.lowerBound, count: entry.byteRange.count)
    }

    /// Loads a tensor as float32, checking its shape. float32 data is viewed in place when aligned;
    /// float16 and bfloat16 are converted once into an owned buffer.
    func tensor(_ name: String, shape expected: [Int], reshapedTo newShape: [Int]? = nil) throws -> Tensor {
        guard let entry = entries[name] else { throw CLIPError.missingTensor(path: path, name: name) }
        guard entry.shape == expected || (expected.isEmpty && entry.shape == [1]) else {
            throw CLIPError.tensorShapeMismatch(path: path, name: name, expected: expected, actual: entry.shape)
        }
        guard let dtype = DType(rawValue: entry.dtype) else {
            throw CLIPError.unsupportedDType(path: path, name: name, dtype: entry.dtype)
        }
        let count = entry.byteRange.count / dtype.byteCount
        let source = file.base + entry.byteRange.lowerBound
        let shape = newShape ?? expected
        switch dtype {
        case .float32 where Int(bitPattern: source) % MemoryLayout<Float>.alignment == 0:
            return Tensor(
                shape: shape,
                storage: TensorStorage(viewing: file, byteOffset: entry.byteRange.lowerBound, count: count))
        case .float32:
            return Tensor(
                shape: shape,
                storage: TensorStorage(count: count) { out in
                    for i in 0..<count {
                        out[i] = Float(
                            bitPattern: UInt32(
                                littleEndian: source.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self)))
                    }
                })
        case .float16:
            defer { file.release(offset: entry.byteRange.lowerBound, count: entry.byteRange.count) }
            return Tensor(
                shape: shape,
                storage: TensorStorage(count: count) { out in
                    for i in 0..<count {
                        let bits = UInt16(littleEndian: source.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))
                        out[i] = Float(Float16(bitPattern: bits))
                    }
                })
        case .bfloat16:
            defer { file.release(offset: entry.byteRange.lowerBound, count: entry.byteRange.count) }
            return Tensor(
                shape: shape,
                storage: TensorStorage(count: count) { out in
                    for i in 0..<count {
                        let bits = UInt16(littleEndian: source.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))
                        out[i] = Float(bitPattern: UInt32(bits) << 16)
                    }
                })
        }
    }
}
