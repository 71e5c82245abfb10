import Foundation
import NIOCore
import NIOFileSystem

extension S3Store {
    /// One `PUT` for a blob of up to one part, else a multipart upload: parts read from the staging
    /// file and sent `uploadConcurrency` at a time, so memory holds a few parts whatever the size.
    func upload(_ staged: StagedBlob, to key: String) async throws {
        guard staged.size > settings.partSize else {
            let body = try await Self.readPart(of: staged.path, at: 0, length: Int(staged.size))
            _ = try await client.send(.init(.PUT, key, body: body))
            return
        }
        try await withMultipartUpload(key, size: staged.size) { uploadID in
            try await uploadParts(of: staged, to: key, uploadID: uploadID)
        }
    }

    private func uploadParts(of staged: StagedBlob, to key: String, uploadID: String) async throws -> [String] {
        // S3 takes at most 10,000 parts: a blob beyond 10,000 parts of the set size goes in larger ones.
        let partSize = max(Int64(settings.partSize), (staged.size + 9_999) / 10_000)
        let count = Int((staged.size + partSize - 1) / partSize)
        return try await boundedConcurrentMap(Array(0..<count), limit: settings.uploadConcurrency) { index in
            let offset = Int64(index) * partSize
            let body = try await Self.readPart(
                of: staged.path, at: offset, length: Int(min(partSize, staged.size - offset)))
            let response = try await client.send(
                .init(.PUT, key, query: [("partNumber", "\(index + 1)"), ("uploadId", uploadID)], body: body))
            guard let etag = response.headers.first(name: "etag") else {
                throw S3Error(operation: "PUT \(key) part \(index + 1)", unreachable: "the answer had no ETag")
            }
            return etag
        }
    }

    /// `length` bytes of the staging file from `offset`, in one buffer (a part, at most).
    static func readPart(of path: FilePath, at offset: Int64, length: Int) async throws -> ByteBuffer {
        try await FileSystem.shared.withFileHandle(forReadingAt: path) { handle in
            var part = ByteBuffer()
            part.reserveCapacity(length)
            while part.readableBytes < length {
                var chunk = try await handle.readChunk(
                    fromAbsoluteOffset: offset + Int64(part.readableBytes),
                    length: .bytes(Int64(min(length - part.readableBytes, 1 << 20))))
                guard chunk.readableBytes > 0 else {
                    throw BlobStoreError.rangeNotSatisfiable(
                        BlobKey("staging")!, size: offset + Int64(part.readableBytes))
                }
                part.writeBuffer(&chunk)
            }
            return part
        }
    }
}
