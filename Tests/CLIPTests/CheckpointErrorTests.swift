import Foundation
import Testing

@testable import CLIP

/// Broken checkpoints fail to load with an error naming the problem, never a crash.
@Suite struct CheckpointErrorTests {
    /// A writable copy of the tiny checkpoint in a fresh temporary folder.
    static func copyOfTiny() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("clip-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        for name in ["config.json", "model.safetensors", "preprocessor_config.json", "vocab.json", "merges.txt"] {
            try FileManager.default.copyItem(
                at: Fixtures.tiny.appendingPathComponent(name), to: directory.appendingPathComponent(name))
        }
        return directory
    }

    static func loadError(_ directory: URL) -> CLIPError? {
        defer { try? FileManager.default.removeItem(at: directory) }
        do {
            _ = try CLIPModel.load(from: directory)
            return nil
        } catch {
            return error as? CLIPError
        }
    }

    @Test func missingTensor() throws {
        let directory = try Self.copyOfTiny()
        // Rewrite the checkpoint without one tensor, copying every other tensor's bytes.
        let source = try SafeTensorsFile(url: Fixtures.tiny.appendingPathComponent("model.safetensors"))
        let kept = source.entries.values.filter { $0.name != "vision_model.post_layernorm.bias" }.sorted {
            $0.name < $1.name
        }
        try SafeTensorsWriter.write(
            kept.map { SafeTensorsWriter.Entry(name: $0.name, shape: $0.shape, dtype: $0.dtype) },
            to: directory.appendingPathComponent("model.safetensors")
        ) { index, bytes in
            bytes.copyMemory(
                from: UnsafeRawBufferPointer(
                    start: source.file.base + kept[index].byteRange.lowerBound, count: bytes.count))
        }
        let error = Self.loadError(directory)
        guard case .missingTensor(_, let name) = error else {
            Issue.record("expected missingTensor, got \(String(describing: error))")
            return
        }
        #expect(name == "vision_model.post_layernorm.bias")
        #expect(error!.description.contains("vision_model.post_layernorm.bias"))
    }

    @Test func unsupportedDType() throws {
        let directory = try Self.copyOfTiny()
        // Same bytes, but the header calls one float32 tensor an int32 one.
        let source = try SafeTensorsFile(url: Fixtures.tiny.appendingPathComponent("model.safetensors"))
        let entries = source.entries.values.sorted { $0.name < $1.name }
        try SafeTensorsWriter.write(
            entries.map {
                SafeTensorsWriter.Entry(
                    name: $0.name, shape: $0.shape, dtype: $0.name == "logit_scale" ? "I32" : $0.dtype)
            },
            to: directory.appendingPathComponent("model.safetensors")
        ) { index, bytes in
            bytes.copyMemory(
                from: UnsafeRawBufferPointer(
                    start: source.file.base + entries[index].byteRange.lowerBound, count: bytes.count))
        }
        guard case .unsupportedDType(_, "logit_scale", "I32") = Self.loadError(directory) else {
            Issue.record("expected unsupportedDType")
            return
        }
    }

    @Test func truncatedFile() throws {
        let directory = try Self.copyOfTiny()
        let url = directory.appendingPathComponent("model.safetensors")
        let data = try Data(contentsOf: url)
        try data.prefix(data.count / 2).write(to: url)
        let error = Self.loadError(directory)
        guard case .truncatedFile(let path, let reason) = error else {
            Issue.record("expected truncatedFile, got \(String(describing: error))")
            return
        }
        #expect(path.hasSuffix("model.safetensors"))
        #expect(reason.contains("tensor"))
    }

    @Test func headerClaimsMoreBytesThanTheFileHas() throws {
        let directory = try Self.copyOfTiny()
        var length = UInt64(1_000_000_000).littleEndian
        let bytes = withUnsafeBytes(of: &length) { Data($0) } + Data("{\"a\":".utf8)
        try bytes.write(to: directory.appendingPathComponent("model.safetensors"))
        let error = Self.loadError(directory)
        guard case .truncatedFile(_, let reason) = error else {
            Issue.record("expected truncatedFile, got \(String(describing: error))")
            return
        }
        #expect(reason.contains("1000000000"))
    }

    @Test func malformedHeaderJSON() throws {
        let directory = try Self.copyOfTiny()
        let header = Data("{\"broken\": [".utf8)
        var length = UInt64(header.count).littleEndian
        try (withUnsafeBytes(of: &length) { Data($0) } + header).write(
            to: directory.appendingPathComponent("model.safetensors"))
        guard case .malformedHeader = Self.loadError(directory) else {
            Issue.record("expected malformedHeader")
            return
        }
    }

    @Test func unknownActivation() throws {
        let directory = try Self.copyOfTiny()
        let url = directory.appendingPathComponent("config.json")
        let config = try String(contentsOf: url, encoding: .utf8)
        try config.replacingOccurrences(of: "\"quick_gelu\"", with: "\"swish\"").write(
            to: url, atomically: true, encoding: .utf8)
        let error = Self.loadError(directory)
        guard case .unknownActivation(let path, let name) = error else {
            Issue.record("expected unknownActivation, got \(String(describing: error))")
            return
        }
        #expect(name == "swish" && path.hasSuffix("config.json"))
    }

    @Test func unsupportedArchitecture() throws {
        let directory = try Self.copyOfTiny()
        let url = directory.appendingPathComponent("config.json")
        let config = try String(contentsOf: url, encoding: .utf8)
        try config.replacingOccurrences(of: "\"CLIPModel\"", with: "\"SiglipModel\"").write(
            to: url, atomically: true, encoding: .utf8)
        guard case .unsupportedArchitecture(_, "SiglipModel") = Self.loadError(directory) else {
            Issue.record("expected unsupportedArchitecture")
            return
        }
    }

    @Test func missingFile() throws {
        let directory = try Self.copyOfTiny()
        try FileManager.default.removeItem(at: directory.appendingPathComponent("model.safetensors"))
        guard case .missingFile(let path) = Self.loadError(directory) else {
            Issue.record("expected missingFile")
            return
        }
        #expect(path.hasSuffix("model.safetensors"))
    }

    @Test func misshapenTensor() throws {
        let directory = try Self.copyOfTiny()
        let url = directory.appendingPathComponent("config.json")
        let config = try String(contentsOf: url, encoding: .utf8)
        // The checkpoint's projections are 32 wide; claim 48.
        try config.replacingOccurrences(of: "\"projection_dim\": 32", with: "\"projection_dim\": 48").write(
            to: url, atomically: true, encoding: .utf8)
        guard case .tensorShapeMismatch(_, _, let expected, let actual) = Self.loadError(directory) else {
            Issue.record("expected tensorShapeMismatch")
            return
        }
        #expect(expected.contains(48) && actual.contains(32))
    }
}
