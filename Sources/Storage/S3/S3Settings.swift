import Foundation

/// Where and how blobs are kept in an S3-compatible service (AWS S3, MinIO, Cloudflare R2, Ceph),
/// read once from the environment:
///
/// - `STORAGE_BACKEND=s3://bucket/prefix` names the bucket and the key prefix (optional);
/// - `S3_ENDPOINT` the service (default `https://s3.<region>.amazonaws.com`), `AWS_REGION`;
/// - `S3_FORCE_PATH_STYLE=true` addresses the bucket in the path, as MinIO and most
///   self-hosted servers need, instead of in the host name;
/// - `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN` the credentials;
/// - `S3_PART_SIZE_MB`, `S3_UPLOAD_CONCURRENCY`, `S3_MAX_ATTEMPTS` the transfer's tuning.
public struct S3Settings: Sendable, Equatable {
    public var bucket: String
    /// Prepended to every key, with its trailing "/": "" when blobs sit at the bucket's root.
    public var keyPrefix: String
    /// Scheme, host and port of the service.
    public var endpoint: URL
    public var region: String
    public var forcePathStyle: Bool
    public var credentials: S3Credentials
    /// Uploads larger than one part go up in parts of this size (S3 takes 5 MiB to 5 GiB); each
    /// part is held in memory while it is sent, so a large upload costs this times the concurrency.
    public var partSize = 8 << 20
    /// Parts of one upload in flight at once.
    public var uploadConcurrency = 8
    /// Tries of one request on 5xx, throttling and broken connections, with jittered backoff.
    public var maxAttempts = 6
    /// Larger objects are copied part by part: S3 copies at most 5 GiB in one request.
    var singleCopyLimit: Int64 = 5 << 30
    var copyPartSize: Int64 = 1 << 30

    public struct Invalid: Error, CustomStringConvertible {
        public let description: String
    }

    /// `location` is the `s3://bucket/prefix` of `STORAGE_BACKEND` (or of `afa migrate-storage --to`).
    public init(location: String, environment: [String: String]) throws {
        guard location.hasPrefix("s3://") else {
            throw Invalid(description: "\(location) is not an s3://bucket/prefix")
        }
        let path = location.dropFirst("s3://".count).split(separator: "/", omittingEmptySubsequences: true)
        guard let bucket = path.first.map(String.init), Self.isBucketName(bucket) else {
            throw Invalid(description: "\(location): the bucket name must be 3–63 of a-z, 0-9, '.' and '-'")
        }
        let prefix = path.dropFirst().joined(separator: "/")
        // The prefix becomes part of every key: the keys' own alphabet keeps it safe in URLs and paths.
        guard prefix.isEmpty || BlobKey(prefix) != nil else {
            throw Invalid(description: "\(location): the prefix may hold only a-z, 0-9, '-', '_', '.' and '/'")
        }
        self.bucket = bucket
        self.keyPrefix = prefix.isEmpty ? "" : prefix + "/"
        region = environment["AWS_REGION"].flatMap { $0.isEmpty ? nil : $0 } ?? "us-east-1"
        let endpointText =
            environment["S3_ENDPOINT"].flatMap { $0.isEmpty ? nil : $0 } ?? "https://s3.\(region).amazonaws.com"
        guard let endpoint = URL(string: endpointText), ["http", "https"].contains(endpoint.scheme),
            endpoint.host != nil, endpoint.path.isEmpty || endpoint.path == "/"
        else { throw Invalid(description: "S3_ENDPOINT=\(endpointText) is not an http(s)://host[:port] address") }
        self.endpoint = endpoint
        switch environment["S3_FORCE_PATH_STYLE"]?.lowercased() ?? "" {
        case "", "false", "0", "no": forcePathStyle = false
        case "true", "1", "yes": forcePathStyle = true
        case let other: throw Invalid(description: "S3_FORCE_PATH_STYLE=\(other) is not true or false")
        }
        // A dotted bucket cannot be a host name under TLS (the certificate covers one label).
        if bucket.contains(".") && endpoint.scheme == "https" { forcePathStyle = true }
        guard let credentials = S3Credentials(environment: environment) else {
            throw Invalid(description: "\(location) needs AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY")
        }
        self.credentials = credentials
        func integer(_ name: String, _ value: Int, _ range: ClosedRange<Int>) throws -> Int {
            guard let text = environment[name], !text.isEmpty else { return value }
            guard let parsed = Int(text), range.contains(parsed) else {
                throw Invalid(description: "\(name)=\(text) is not a whole number in \(range)")
            }
            return parsed
        }
        partSize = try integer("S3_PART_SIZE_MB", partSize >> 20, 5...5120) << 20
        uploadConcurrency = try integer("S3_UPLOAD_CONCURRENCY", uploadConcurrency, 1...64)
        maxAttempts = try integer("S3_MAX_ATTEMPTS", maxAttempts, 1...20)
    }

    /// `s3://bucket/prefix`, as a person would write it.
    public var location: String {
        keyPrefix.isEmpty ? "s3://\(bucket)" : "s3://\(bucket)/\(keyPrefix.dropLast())"
    }

    static func isBucketName(_ name: String) -> Bool {
        let allowed = Set("abcdefghijklmnopqrstuvwxyz0123456789.-")
        return (3...63).contains(name.count) && name.allSatisfy(allowed.contains) && name.first != "."
            && name.first != "-" && name.last != "." && name.last != "-" && !name.contains("..")
    }
}
