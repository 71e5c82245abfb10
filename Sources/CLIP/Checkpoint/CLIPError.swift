import Foundation

/// Everything that can go wrong loading or running a CLIP checkpoint, with enough detail to fix it.
public enum CLIPError: Error, Equatable, CustomStringConvertible {
    case missingFile(path: String)
    case unreadableFile(path: String, reason: String)
    case truncatedFile(path: String, reason: String)
    case malformedHeader(path: String, reason: String)
    case missingTensor(path: String, name: String)
    case tensorShapeMismatch(path: String, name: String, expected: [Int], actual: [Int])
    case unsupportedDType(path: String, name: String, dtype: String)
    case invalidConfiguration(path: String, reason: String)
    case unknownActivation(path: String, name: String)
    case unsupportedArchitecture(path: String, name: String)
    case invalidInput(String)

    public var description: String {
        switch self {
        case .missingFile(let path):
            return "missing file: \(path)"
        case .unreadableFile(let path, let reason):
            return "cannot read \(path): \(reason)"
        case .truncatedFile(let path, let reason):
            return "truncated safetensors file \(path): \(reason)"
        case .malformedHeader(let path, let reason):
            return "malformed safetensors header in \(path): \(reason)"
        case .missingTensor(let path, let name):
            return "tensor '\(name)' is missing from \(path)"
        case .tensorShapeMismatch(let path, let name, let expected, let actual):
            return "tensor '\(name)' in \(path) has shape \(actual), expected \(expected)"
        case .unsupportedDType(let path, let name, let dtype):
            return "tensor '\(name)' in \(path) has unsupported dtype \(dtype) (supported: F32, F16, BF16)"
        case .invalidConfiguration(let path, let reason):
            return "invalid configuration in \(path): \(reason)"
        case .unknownActivation(let path, let name):
            return "unknown hidden_act '\(name)' in \(path) (supported: quick_gelu, gelu)"
        case .unsupportedArchitecture(let path, let name):
            return "unsupported architecture '\(name)' in \(path) (supported: CLIPModel)"
        case .invalidInput(let reason):
            return "invalid input: \(reason)"
        }
    }
}

extension CLIPError: LocalizedError {
    public var errorDescription: String? { description }
}
