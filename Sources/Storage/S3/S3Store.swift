import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// Blobs as objects in an S3-compatible bucket, shared by every `afa` process of a deployment.
///
/// Uploads are staged on local disk as with the filesystem store (streamed and hashed on the
/// way), then sent in one upload under their content address: one `PUT`, or a multipart upload
/// when larger than a part. An object already there is not sent again. Reads are ranged `GET`s
/// streamed to the consumer; moves are server-side copies then deletes.
public struct S3Store: BlobStore {
    public let settings: S3Settings
    let client: S3Client
    /// The local staging area. A filesystem store is used for its staging only: its writer,
    /// its small-value path and its sweep are the same whatever the blobs' final home.
    let staging: FileSystemStore

    /// `stagingRoot` is a local folder of this machine (`$AFA_DATA/s3-staging`).
    public init(settings: S3Settings, stagingRoot: String) throws {
        self.settings = settings
        self.client = S3Client(settings: settings)
        self.staging = try FileSystemStore(root: stagingRoot)
    }

    func objectKey(_ key: BlobKey) -> String { settings.keyPrefix + key.rawValue }

    public func makeStagingWriter() async throws -> StagingWriter { try await staging.makeStagingWriter() }
    public func stage(_ bytes: ByteBuffer) async throws -> StagedBlob { try await staging.stage(bytes) }
    public func discard(_ staged: StagedBlob) async { await staging.discard(staged) }

    /// Uploads the staged bytes unless `key` already holds them; the staging file goes either way.
    /// The object exists once the upload's last request is answered: S3 acknowledges only what it
    /// has stored durably, so there is nothing to flush.
    public func commit(_ staged: StagedBlob, as key: BlobKey) async throws {
        if let size = try await size(of: key) {
            try await refresh(objectKey(key), size: size)
        } else {
            try await upload(staged, to: objectKey(key))
        }
        await staging.discard(staged)
    }

    /// A batch of documents goes up several at a time: each is a round trip of its own.
    public func commitContent(_ staged: [StagedBlob]) async throws {
        _ = try await boundedConcurrentMap(staged, limit: settings.uploadConcurrency * 2) { blob in
            try await commit(blob, as: .raw(sha256: blob.sha256))
        }
    }

    public func read(_ key: BlobKey, range: Range<Int64>?) async throws -> BlobByteSequence {
        if let range, range.isEmpty {
            guard let size = try await size(of: key) else { throw BlobStoreError.notFound(key) }
            guard range.lowerBound >= 0, range.upperBound <= size else {
                throw BlobStoreError.rangeNotSatisfiable(key, size: size)
            }
            return BlobByteSequence(totalBytes: 0) { NoChunks() }
        }
        let headers = range.map { [("range", "bytes=\($0.lowerBound)-\($0.upperBound - 1)")] } ?? []
        let response = try await client.open(
            .init(.GET, objectKey(key), headers: headers), accept: [200, 206, 404, 416])
        let length = response.headers.first(name: "content-length").flatMap { Int64($0) }
        switch response.status.code {
        case 404:
            throw BlobStoreError.notFound(key)
        case 416:
            throw BlobStoreError.rangeNotSatisfiable(key, size: Self.totalSize(response.headers) ?? 0)
        default:
            // S3 cuts a range that runs past the end; a caller asked for bytes that are not there.
            guard let length, range.map({ Int64($0.count) == length }) ?? true else {
                throw BlobStoreError.rangeNotSatisfiable(key, size: Self.totalSize(response.headers) ?? length ?? 0)
            }
            let body = response.body
            return BlobByteSequence(totalBytes: length) { ResponseChunkSource(body) }
        }
    }

    public func size(of key: BlobKey) async throws -> Int64? { try await objectSize(objectKey(key)) }

    public func move(_ key: BlobKey, to destination: BlobKey) async throws {
        guard let size = try await size(of: key) else { throw BlobStoreError.notFound(key) }
        try await copy(objectKey(key), to: objectKey(destination), size: size)
        try await delete(key)
    }

    /// Deleting a missing object succeeds, as in S3 itself.
    public func delete(_ key: BlobKey) async throws {
        _ = try await client.send(.init(.DELETE, objectKey(key)), accept: [200, 204, 404])
    }

    public func uri(for key: BlobKey) -> String { "s3://\(settings.bucket)/\(objectKey(key))" }

    /// Creates the bucket if it is missing: for tests and first set-ups against a local server;
    /// production buckets are usually made (with their policies) by whoever runs the service.
    public func createBucketIfMissing() async throws {
        let head = try await client.send(.init(.HEAD, nil), accept: [200, 403, 404])
        guard head.status == 404 else { return }
        let configuration =
            settings.region == "us-east-1"
            ? nil
            : ByteBuffer(
                string: "<CreateBucketConfiguration><LocationConstraint>\(settings.region)</LocationConstraint>"
                    + "</CreateBucketConfiguration>")
        _ = try await client.send(.init(.PUT, nil, body: configuration), accept: [200, 409])
    }

    /// "bytes 0-9/1234" or "bytes */1234" → 1234.
    static func totalSize(_ headers: HTTPHeaders) -> Int64? {
        headers.first(name: "content-range").flatMap { $0.split(separator: "/").last.flatMap { Int64($0) } }
    }
}

/// A response body handed over as it arrives, so a slow client never makes the server hold a
/// whole video.
final class ResponseChunkSource: ChunkSource {
    private var iterator: HTTPClientResponse.Body.AsyncIterator

    init(_ body: HTTPClientResponse.Body) { iterator = body.makeAsyncIterator() }

    func nextChunk() async throws -> ByteBuffer? { try await iterator.next() }
}

/// The bytes of an empty range.
final class NoChunks: ChunkSource {
    func nextChunk() async throws -> ByteBuffer? { nil }
}
