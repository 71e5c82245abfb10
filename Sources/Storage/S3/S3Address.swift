import Foundation

/// Where a request for an object goes: the bucket in the host name (virtual-host style, AWS's
/// default) or in the path (path style, for MinIO and most self-hosted servers).
struct S3Address: Sendable, Equatable {
    /// The `Host` header, with the port when it is not the scheme's own.
    let host: String
    /// The path as sent and as signed. Object keys are made of `BlobKey`'s alphabet, which needs
    /// no percent-encoding, so the path is the key itself.
    let path: String
    let url: String

    init(_ settings: S3Settings, objectKey: String?) {
        let endpoint = settings.endpoint
        let scheme = endpoint.scheme ?? "https"
        let defaultPort = scheme == "http" ? 80 : 443
        let portSuffix = endpoint.port.map { $0 == defaultPort ? "" : ":\($0)" } ?? ""
        let endpointHost = endpoint.host ?? ""
        let keyPath = objectKey.map { "/" + $0 } ?? ""
        if settings.forcePathStyle {
            host = endpointHost + portSuffix
            path = "/" + settings.bucket + keyPath
        } else {
            host = settings.bucket + "." + endpointHost + portSuffix
            path = keyPath.isEmpty ? "/" : keyPath
        }
        url = scheme + "://" + host + path
    }
}
