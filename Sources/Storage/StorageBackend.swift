/// Where the blobs live (`STORAGE_BACKEND`): files under `STORAGE_PATH` on this machine
/// (`fs://`, the default), or an S3-compatible bucket that many machines share (`s3://bucket/prefix`).
public enum StorageBackend: Sendable, Equatable {
    case filesystem
    case s3(S3Settings)

    public init(_ text: String, environment: [String: String]) throws {
        switch text {
        case "", "fs://": self = .filesystem
        case let location where location.hasPrefix("s3://"):
            self = .s3(try S3Settings(location: location, environment: environment))
        default: throw S3Settings.Invalid(description: "STORAGE_BACKEND=\(text) is not fs:// or s3://bucket/prefix")
        }
    }

    /// `fs://` or `s3://bucket/prefix`: how the catalog records where its blobs are.
    public var location: String {
        switch self {
        case .filesystem: return "fs://"
        case .s3(let settings): return settings.location
        }
    }
}
