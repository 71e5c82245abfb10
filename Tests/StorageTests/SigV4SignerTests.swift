import Foundation
import Testing

@testable import Storage

/// Each published vector is checked stage by stage (canonical request, string to sign,
/// Authorization), so a mismatch names the stage that is wrong instead of a bare 403 from a bucket.
@Suite struct SigV4SignerTests {
    // MARK: The AWS Signature Version 4 test suite

    /// The cases of AWS's `aws-sig-v4-test-suite` (Fixtures/sigv4, see its README): every one that
    /// is published, `normalize-path/` and `post-sts-token/` included.
    static let suiteCases = [
        "get-header-key-duplicate", "get-header-value-multiline", "get-header-value-order", "get-header-value-trim",
        "get-unreserved", "get-utf8", "get-vanilla", "get-vanilla-empty-query-key", "get-vanilla-query",
        "get-vanilla-query-order-encoded", "get-vanilla-query-order-key", "get-vanilla-query-order-key-case",
        "get-vanilla-query-order-value", "get-vanilla-query-unreserved", "get-vanilla-utf8-query",
        "get-vanilla-with-session-token", "get-relative", "get-relative-relative", "get-slash", "get-slash-dot-slash",
        "get-slash-pointless-dot", "get-slashes", "get-space", "get-special-character", "post-header-key-case",
        "post-header-key-sort", "post-header-value-case", "post-sts-header-after", "post-sts-header-before",
        "post-vanilla", "post-vanilla-empty-query-value", "post-vanilla-query", "post-x-www-form-urlencoded",
        "post-x-www-form-urlencoded-parameters",
    ]
    static let suiteDate = Date(timeIntervalSince1970: 1_440_938_160)  // 20150830T123600Z

    @Test(arguments: suiteCases) func publishedSuiteCase(_ name: String) throws {
        var request = try SuiteRequest(parsing: fixture(name, "req"))
        // The signer writes x-amz-date from the date it is given, and the token from the credentials.
        #expect(request.remove("X-Amz-Date") == ["20150830T123600Z"])
        // get-vanilla-with-session-token states its token only in the canonical request.
        // post-sts-header-after adds the token after signing, so it is signed as a request without one.
        let token =
            request.remove("X-Amz-Security-Token").first
            ?? (name == "get-vanilla-with-session-token"
                ? "6e86291e8372ff2a2260956d9b8aae1d763fbf315fa00fa31553b73ebf194267" : nil)
        let signer = SigV4Signer(
            credentials: S3Credentials(
                accessKeyID: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
                sessionToken: token),
            region: "us-east-1", service: "service")
        let expected = try fixture(name, "creq")
        // The body's hash is the caller's to give; the suite states it as the canonical request's last line.
        let payloadHash = String(try #require(expected.split(separator: "\n").last))

        let canonical = signer.canonicalRequest(
            method: request.method, host: "example.amazonaws.com", path: request.path, query: request.query,
            headers: request.headers, payloadHash: payloadHash, date: Self.suiteDate)
        #expect(canonical == expected)
        #expect(try signer.stringToSign(canonicalRequest: canonical, date: Self.suiteDate) == fixture(name, "sts"))
        let added = signer.sign(
            method: request.method, host: "example.amazonaws.com", path: request.path, query: request.query,
            headers: request.headers, payloadHash: payloadHash, date: Self.suiteDate)
        #expect(try value(of: "authorization", in: added) == fixture(name, "authz"))
        #expect(value(of: "x-amz-date", in: added) == "20150830T123600Z")
        #expect(value(of: "x-amz-security-token", in: added) == token)
        // Not S3: the payload hash is not a header of generic SigV4.
        #expect(value(of: "x-amz-content-sha256", in: added) == nil)
    }

    // MARK: S3's worked examples

    /// "Signature Calculations for the Authorization Header: Transferring Payload in a Single
    /// Chunk" in the Amazon S3 API Reference. The page writes the Authorization header without a
    /// space after each comma; S3 accepts both forms, and the signer writes the suite's (botocore's).
    /// Cross-checked with botocore 1.43's S3SigV4Auth: the same signatures for GET Object and both
    /// bucket requests; for PUT Object it signs `date` instead of `x-amz-date`, so it differs there.
    static let s3Examples = [
        S3Example(
            name: "GET Object", method: "GET", path: "/test.txt", query: [], headers: [("Range", "bytes=0-9")],
            payloadHash: emptySHA256,
            canonicalRequest: """
                GET
                /test.txt

                host:examplebucket.s3.amazonaws.com
                range:bytes=0-9
                x-amz-content-sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
                x-amz-date:20130524T000000Z

                host;range;x-amz-content-sha256;x-amz-date
                e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
                """,
            stringHash: "7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972",
            signedHeaders: "host;range;x-amz-content-sha256;x-amz-date",
            signature: "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"),
        S3Example(
            name: "PUT Object", method: "PUT", path: "/test%24file.text", query: [],
            headers: [("Date", "Fri, 24 May 2013 00:00:00 GMT"), ("x-amz-storage-class", "REDUCED_REDUNDANCY")],
            payloadHash: "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072",  // "Welcome to Amazon S3."
            canonicalRequest: """
                PUT
                /test%24file.text

                date:Fri, 24 May 2013 00:00:00 GMT
                host:examplebucket.s3.amazonaws.com
                x-amz-content-sha256:44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072
                x-amz-date:20130524T000000Z
                x-amz-storage-class:REDUCED_REDUNDANCY

                date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class
                44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072
                """,
            stringHash: "9e0e90d9c76de8fa5b200d8c849cd5b8dc7a3be3951ddb7f6a76b4158342019d",
            signedHeaders: "date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class",
            signature: "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd"),
        S3Example(
            name: "GET Bucket Lifecycle", method: "GET", path: "/", query: [("lifecycle", "")], headers: [],
            payloadHash: emptySHA256,
            canonicalRequest: """
                GET
                /
                lifecycle=
                host:examplebucket.s3.amazonaws.com
                x-amz-content-sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
                x-amz-date:20130524T000000Z

                host;x-amz-content-sha256;x-amz-date
                e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
                """,
            stringHash: "9766c798316ff2757b517bc739a67f6213b4ab36dd5da2f94eaebf79c77395ca",
            signedHeaders: "host;x-amz-content-sha256;x-amz-date",
            signature: "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543"),
        S3Example(
            name: "GET Bucket (List Objects)", method: "GET", path: "/", query: [("prefix", "J"), ("max-keys", "2")],
            headers: [], payloadHash: emptySHA256,
            canonicalRequest: """
                GET
                /
                max-keys=2&prefix=J
                host:examplebucket.s3.amazonaws.com
                x-amz-content-sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
                x-amz-date:20130524T000000Z

                host;x-amz-content-sha256;x-amz-date
                e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
                """,
            stringHash: "df57d21db20da04d7fa30298dd4488ba3a2b47ca3a489c74750e0f1e7df1b9b7",
            signedHeaders: "host;x-amz-content-sha256;x-amz-date",
            signature: "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7"),
    ]
    static let s3Signer = SigV4Signer(
        credentials: S3Credentials(
            accessKeyID: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
        region: "us-east-1")
    static let s3Date = Date(timeIntervalSince1970: 1_369_353_600)  // 20130524T000000Z

    @Test(arguments: s3Examples) func publishedS3Example(_ example: S3Example) {
        let signer = Self.s3Signer
        let canonical = signer.canonicalRequest(
            method: example.method, host: "examplebucket.s3.amazonaws.com", path: example.path,
            query: example.query, headers: example.headers, payloadHash: example.payloadHash, date: Self.s3Date)
        #expect(canonical == example.canonicalRequest)
        #expect(
            signer.stringToSign(canonicalRequest: canonical, date: Self.s3Date)
                == "AWS4-HMAC-SHA256\n20130524T000000Z\n20130524/us-east-1/s3/aws4_request\n\(example.stringHash)")
        let added = signer.sign(
            method: example.method, host: "examplebucket.s3.amazonaws.com", path: example.path,
            query: example.query, headers: example.headers, payloadHash: example.payloadHash, date: Self.s3Date)
        #expect(
            value(of: "authorization", in: added)
                == "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
                + "SignedHeaders=\(example.signedHeaders), Signature=\(example.signature)")
        #expect(value(of: "x-amz-date", in: added) == "20130524T000000Z")
        #expect(value(of: "x-amz-content-sha256", in: added) == example.payloadHash)
        #expect(value(of: "x-amz-security-token", in: added) == nil)
    }

    // MARK: The rules the vectors do not reach

    /// "Examples of how to derive a signing key for Signature Version 4" in the IAM User Guide,
    /// and the signing key of the General Reference's 20150830 IAM example.
    @Test func signingKeysMatchThePublishedDerivations() {
        let credentials = S3Credentials(
            accessKeyID: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
        let iam = SigV4Signer(credentials: credentials, region: "us-east-1", service: "iam")
        #expect(
            iam.signingKey(date: Date(timeIntervalSince1970: 1_329_264_000)).withUnsafeBytes { lowercaseHex($0) }
                == "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d")
        #expect(
            iam.signingKey(date: Self.suiteDate).withUnsafeBytes { lowercaseHex($0) }
                == "c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9")
    }

    /// An object named `my-object//example//photo.user` is a different object from
    /// `my-object/example/photo.user`: S3 signs the path as sent (the suite's normalize-path note).
    @Test func s3SignsThePathAsSent() {
        for path in ["/my-object//example//photo.user", "/a/./b/../c", "/a%20b/c%2Fd"] {
            let canonical = Self.s3Signer.canonicalRequest(
                method: "GET", host: "examplebucket.s3.amazonaws.com", path: path, query: [], headers: [],
                payloadHash: "UNSIGNED-PAYLOAD", date: Self.s3Date)
            let lines = canonical.split(separator: "\n", omittingEmptySubsequences: false)
            #expect(lines[1] == path[...])
            #expect(lines.last == "UNSIGNED-PAYLOAD")
        }
    }

    @Test func queryPairsAreEncodedAsRFC3986() {
        #expect(
            SigV4Signer.canonicalQuery([("prefix", "a b/c+d"), ("key", "ä~*"), ("continuation-token", "")])
                == "continuation-token=&key=%C3%A4~%2A&prefix=a%20b%2Fc%2Bd")
    }

    /// Re-signing a request that carries the previous attempt's signature headers replaces them.
    @Test func theSignersOwnHeadersReplaceTheCallers() {
        let fresh = Self.s3Signer.sign(
            method: "GET", host: "examplebucket.s3.amazonaws.com", path: "/test.txt", query: [],
            headers: [("Range", "bytes=0-9")], payloadHash: Self.emptySHA256, date: Self.s3Date)
        let resigned = Self.s3Signer.sign(
            method: "GET", host: "examplebucket.s3.amazonaws.com", path: "/test.txt", query: [],
            headers: [("Range", "bytes=0-9")] + fresh.map { ($0.0.uppercased(), "stale") },
            payloadHash: Self.emptySHA256, date: Self.s3Date)
        #expect(resigned.map(\.0) == fresh.map(\.0))
        #expect(resigned.map(\.1) == fresh.map(\.1))
    }

    /// A sub-second time is still that second, never the next one.
    @Test func timestampsAreUTCSecondsTruncated() {
        #expect(SigV4Signer.timestamp(Date(timeIntervalSince1970: 1_369_353_599.999)) == "20130523T235959Z")
        #expect(SigV4Signer.timestamp(Date(timeIntervalSince1970: 951_782_400)) == "20000229T000000Z")
    }

    // MARK: Credentials

    @Test func credentialsComeFromTheStandardEnvironment() {
        let full = S3Credentials(environment: [
            "AWS_ACCESS_KEY_ID": "AKID", "AWS_SECRET_ACCESS_KEY": "secret", "AWS_SESSION_TOKEN": "token",
        ])
        #expect(full == S3Credentials(accessKeyID: "AKID", secretAccessKey: "secret", sessionToken: "token"))
        #expect(
            S3Credentials(environment: [
                "AWS_ACCESS_KEY_ID": "AKID", "AWS_SECRET_ACCESS_KEY": "secret", "AWS_SESSION_TOKEN": "",
            ])
                == S3Credentials(accessKeyID: "AKID", secretAccessKey: "secret"))
        #expect(S3Credentials(environment: ["AWS_ACCESS_KEY_ID": "AKID"]) == nil)
        #expect(S3Credentials(environment: ["AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": "secret"]) == nil)
        #expect(S3Credentials(environment: ["AWS_ACCESS_KEY_ID": "AKID", "AWS_SECRET_ACCESS_KEY": ""]) == nil)
    }

    @Test func credentialsNeverPrintTheirSecrets() {
        let credentials = S3Credentials(accessKeyID: "AKIDEXAMPLE", secretAccessKey: "s3cr3t", sessionToken: "t0k3n")
        struct Holder { let credentials: S3Credentials }
        var dumped = ""
        dump(credentials, to: &dumped)
        for text in [
            "\(credentials)", String(reflecting: credentials), "\(Holder(credentials: credentials))", dumped,
        ] {
            #expect(text.contains("AKIDEXAMPLE"))
            #expect(!text.contains("s3cr3t") && !text.contains("t0k3n"))
        }
    }
}

extension SigV4SignerTests {
    static let emptySHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

    struct S3Example: Sendable, CustomTestStringConvertible {
        let name: String
        let method: String
        let path: String
        let query: [(String, String)]
        let headers: [(String, String)]
        let payloadHash: String
        let canonicalRequest: String
        /// The last line of the string to sign: the canonical request's SHA-256.
        let stringHash: String
        let signedHeaders: String
        let signature: String
        var testDescription: String { name }
    }

    func value(of name: String, in headers: [(String, String)]) -> String? {
        headers.first { $0.0 == name }?.1
    }

    func fixture(_ name: String, _ kind: String) throws -> String {
        let url = try #require(Bundle.module.url(forResource: "Fixtures/sigv4/\(name)", withExtension: kind))
        return try String(contentsOf: url, encoding: .utf8)
    }
}

/// A request as the suite writes it: `METHOD target HTTP/1.1`, then headers (a line starting with
/// whitespace continues the one before), a blank line and the body. The target is the path as sent
/// (the suite sends spaces and UTF-8 raw) and a query that is percent-decoded here, since the
/// signer takes decoded pairs.
struct SuiteRequest {
    var method: String
    var path: String
    var query: [(String, String)] = []
    var headers: [(String, String)] = []

    init(parsing text: String) throws {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let requestLine = try #require(lines.first)
        method = String(requestLine.prefix { $0 != " " })
        let target = requestLine.dropFirst(method.count + 1).dropLast(" HTTP/1.1".count)
        path = String(target.prefix { $0 != "?" })
        for pair in target.dropFirst(path.count + 1).split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let value = parts.count > 1 ? parts[1] : ""
            query.append((try #require(parts[0].removingPercentEncoding), try #require(value.removingPercentEncoding)))
        }
        for line in lines.dropFirst() {
            if line.isEmpty { break }
            if line.first == " " || line.first == "\t" {
                headers[headers.count - 1].1 += "\n" + line
            } else {
                let colon = try #require(line.firstIndex(of: ":"))
                headers.append((String(line[..<colon]), String(line[line.index(after: colon)...])))
            }
        }
    }

    /// Removes the headers of that name, returning their values.
    mutating func remove(_ name: String) -> [String] {
        let matching = headers.filter { $0.0.lowercased() == name.lowercased() }
        headers.removeAll { $0.0.lowercased() == name.lowercased() }
        return matching.map(\.1)
    }
}
