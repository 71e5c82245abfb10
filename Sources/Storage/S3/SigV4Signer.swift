import Crypto
import Foundation

/// Signs HTTP requests with AWS Signature Version 4, the scheme S3 and the S3-compatible stores
/// (MinIO, Ceph, R2, …) authenticate with. It holds no state: the same request, credentials and
/// date always give the same headers, so any task may sign, and the published vectors pin it down.
public struct SigV4Signer: Sendable {
    static let algorithm = "AWS4-HMAC-SHA256"

    let credentials: S3Credentials
    let region: String
    let service: String

    public init(credentials: S3Credentials, region: String, service: String = "s3") {
        self.credentials = credentials
        self.region = region
        self.service = service
    }

    /// The headers to add to a request so the server accepts it: `authorization`, `x-amz-date`,
    /// `x-amz-content-sha256` (for S3 always, set to payloadHash: S3 requires it) and
    /// `x-amz-security-token` when there is a session token. All of them are signed, and they replace
    /// any header of the same name in `headers` (a retried request is signed afresh).
    /// `path` is the request path exactly as it goes on the wire (already percent-encoded, starting with "/");
    /// `query` is the decoded name/value pairs (the signer encodes and sorts them);
    /// `headers` are the other headers that will be sent (host must be among them or is added from `host`),
    /// all of which are signed. `host` must be the Host the client sends, port included when it is not
    /// the scheme's default, or the server computes another signature.
    /// `payloadHash` is the lowercase hex SHA-256 of the body, or "UNSIGNED-PAYLOAD".
    ///
    /// `x-amz-content-sha256` is S3's own header: for other services it is neither added nor signed
    /// unless the caller sends it, since generic SigV4 (and its test suite) has no such header.
    public func sign(
        method: String, host: String, path: String, query: [(String, String)],
        headers: [(String, String)], payloadHash: String, date: Date
    ) -> [(String, String)] {
        let added = addedHeaders(payloadHash: payloadHash, date: date)
        let signed = signedHeaders(host: host, headers: headers, added: added)
        let request = canonicalRequest(
            method: method, path: path, query: query, signedHeaders: signed, payloadHash: payloadHash)
        let signature = HMAC<SHA256>.authenticationCode(
            for: Array(stringToSign(canonicalRequest: request, date: date).utf8), using: signingKey(date: date))
        let authorization =
            "\(Self.algorithm) Credential=\(credentials.accessKeyID)/\(scope(date)), "
            + "SignedHeaders=\(signed.map(\.name).joined(separator: ";")), Signature=\(lowercaseHex(signature))"
        return [("authorization", authorization)] + added
    }

    /// S3 differs from the other services in two ways: it wants the payload hash as a header, and
    /// it signs the path as sent (see `canonicalPath`).
    var isS3: Bool { service == "s3" }

    /// The headers the signer sets itself; they are signed like the caller's.
    func addedHeaders(payloadHash: String, date: Date) -> [(String, String)] {
        var added = [("x-amz-date", Self.timestamp(date))]
        if isS3 { added.append(("x-amz-content-sha256", payloadHash)) }
        if let token = credentials.sessionToken { added.append(("x-amz-security-token", token)) }
        return added
    }

    func stringToSign(canonicalRequest: String, date: Date) -> String {
        let digest = SHA256.hash(data: Array(canonicalRequest.utf8)).hexString
        return [Self.algorithm, Self.timestamp(date), scope(date), digest].joined(separator: "\n")
    }

    /// The key for one day, region and service: the secret itself never signs a request, so a key
    /// that leaks from a log or a proxy is good for that scope only.
    func signingKey(date: Date) -> SymmetricKey {
        var key = SymmetricKey(data: Array("AWS4\(credentials.secretAccessKey)".utf8))
        for part in [Self.day(date), region, service, "aws4_request"] {
            key = SymmetricKey(data: HMAC<SHA256>.authenticationCode(for: Array(part.utf8), using: key))
        }
        return key
    }

    func scope(_ date: Date) -> String { "\(Self.day(date))/\(region)/\(service)/aws4_request" }
}
