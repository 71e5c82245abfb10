import Foundation
import Testing

@testable import Storage

/// How `STORAGE_BACKEND=s3://…` and its companions are read, and where requests are addressed.
@Suite struct S3SettingsTests {
    let credentials = ["AWS_ACCESS_KEY_ID": "AKID", "AWS_SECRET_ACCESS_KEY": "secret"]

    @Test func aLocationNamesTheBucketAndThePrefix() throws {
        let settings = try S3Settings(location: "s3://media-bucket/afa/prod", environment: credentials)
        #expect(settings.bucket == "media-bucket")
        #expect(settings.keyPrefix == "afa/prod/")
        #expect(settings.location == "s3://media-bucket/afa/prod")
        #expect(settings.endpoint.absoluteString == "https://s3.us-east-1.amazonaws.com")
        #expect(!settings.forcePathStyle)
        #expect(settings.partSize == 8 << 20 && settings.uploadConcurrency == 8)
        let bare = try S3Settings(location: "s3://media-bucket", environment: credentials)
        #expect(bare.keyPrefix == "" && bare.location == "s3://media-bucket")
    }

    @Test func badSettingsAreRefusedWithWhatIsWrong() {
        let cases: [(String, [String: String], String)] = [
            ("s3://UPPER/x", credentials, "bucket name"),
            ("s3://ok-bucket/../x", credentials, "prefix"),
            ("s3://ok-bucket", [:], "AWS_ACCESS_KEY_ID"),
            ("s3://ok-bucket", credentials.merging(["S3_ENDPOINT": "ftp://host"]) { $1 }, "S3_ENDPOINT"),
            ("s3://ok-bucket", credentials.merging(["S3_PART_SIZE_MB": "1"]) { $1 }, "S3_PART_SIZE_MB"),
            ("s3://ok-bucket", credentials.merging(["S3_FORCE_PATH_STYLE": "maybe"]) { $1 }, "S3_FORCE_PATH_STYLE"),
        ]
        for (location, environment, mentioned) in cases {
            #expect {
                _ = try S3Settings(location: location, environment: environment)
            } throws: { error in
                "\(error)".contains(mentioned)
            }
        }
        #expect(throws: S3Settings.Invalid.self) { _ = try StorageBackend("gs://bucket", environment: credentials) }
    }

    @Test func requestsAreAddressedInTheHostOrInThePath() throws {
        var environment = credentials
        environment["S3_ENDPOINT"] = "http://127.0.0.1:9000"
        let virtual = try S3Settings(location: "s3://photos/p", environment: environment)
        #expect(S3Address(virtual, objectKey: "p/raw/ab").url == "http://photos.127.0.0.1:9000/p/raw/ab")
        environment["S3_FORCE_PATH_STYLE"] = "true"
        let path = try S3Settings(location: "s3://photos/p", environment: environment)
        let address = S3Address(path, objectKey: "p/raw/ab")
        #expect(address.host == "127.0.0.1:9000")
        #expect(address.path == "/photos/p/raw/ab")
        #expect(S3Address(path, objectKey: nil).path == "/photos")
        // A default port is not written: the Host header must be what the client sends.
        environment["S3_ENDPOINT"] = "https://minio.example"
        #expect(
            S3Address(try S3Settings(location: "s3://photos", environment: environment), objectKey: "k").host
                == "minio.example")
        // A dotted bucket cannot be a TLS host name.
        environment["S3_FORCE_PATH_STYLE"] = "false"
        #expect(try S3Settings(location: "s3://my.photos", environment: environment).forcePathStyle)
    }

    @Test func answersAreReadFromTheirXML() throws {
        let listing = """
            <?xml version="1.0" encoding="UTF-8"?>
            <ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><IsTruncated>true</IsTruncated>
            <Contents><Key>p/raw/ab</Key><Size>12</Size><LastModified>2026-12-04T05:51:47.000Z</LastModified></Contents>
            <NextContinuationToken>next&amp;1</NextContinuationToken></ListBucketResult>
            """
        let xml = try #require(S3XML.parse(Data(listing.utf8)))
        #expect(xml.name == "ListBucketResult")
        #expect(xml.children("Contents").first?.value("Size") == "12")
        #expect(xml.value("NextContinuationToken") == "next&1")
        #expect(S3Store.timestamp("2026-12-04T05:51:47.000Z") == S3Store.timestamp("2026-12-04T05:51:47Z"))
        #expect(S3XML.parse(Data("not xml <".utf8)) == nil)
        let error = S3Error(
            operation: "GET k", status: 503,
            body: .init(string: "<Error><Code>SlowDown</Code><Message>Reduce your rate</Message></Error>"))
        #expect(error.code == "SlowDown")
        #expect("\(error)" == "S3 GET k answered 503 (SlowDown: Reduce your rate)")
    }

    @Test func retriesAreForServerFailuresAndWaitAtRandomUpToABound() {
        #expect(S3RetryPolicy.isRetryable(status: 503, code: "SlowDown"))
        #expect(S3RetryPolicy.isRetryable(status: 500, code: "InternalError"))
        #expect(S3RetryPolicy.isRetryable(status: 400, code: "RequestTimeout"))
        #expect(!S3RetryPolicy.isRetryable(status: 403, code: "SignatureDoesNotMatch"))
        #expect(!S3RetryPolicy.isRetryable(status: 404, code: "NoSuchKey"))
        let policy = S3RetryPolicy(maxAttempts: 6)
        for attempt in 1...10 {
            let bound = min(Duration.seconds(5), .milliseconds(50) * (1 << (attempt - 1)))
            #expect(policy.delay(after: attempt) <= bound)
        }
    }
}
