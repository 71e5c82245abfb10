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
        let created = try await client.send(.init(.POST, key, query: [("uploads", "")]))
        guard let uploadID = S3XML.parse(Data(created.body.readableBytesView))?.value("UploadId") else {
            throw S3Error(operation: "POST \(key)?uploads", status: 200, body: created.body)
        }
        do {
            let etags = try await uploadParts(of: staged, to: key, uploadID: uploadID)
            try await completeUpload(key, uploadID: uploadID, etags: etags, expectedSize: staged.size)
        } catch {
            // An unfinished upload's parts are kept (and billed) by S3 until aborted. The abort runs
            // even when the failure was a cancellation.
            await Task {
                _ = try? await client.send(
                    .init(.DELETE, key, query: [("uploadId", uploadID)]), accept: [200, 204, 404])
            }.value
            throw error
        }
    }

    private func uploadParts(of staged: StagedBlob, to key: String, uploadID: String) async throws -> [String] {
        let partSize = Int64(settings.partSize)
        let count = Int((staged.size + partSize - 1) / partSize)
        return try await withThrowingTaskGroup(of: (Int, String).self) { group in
            var etags = [String](repeating: "", count: count)
            var next = 0
            func send(part index: Int) {
                let offset = Int64(index) * partSize
                let length = Int(min(partSize, staged.size - offset))
                group.addTask {
                    let body = try await Self.readPart(of: staged.path, at: offset, length: length)
                    let response = try await client.send(
                        .init(.PUT, key, query: [("partNumber", "\(index + 1)"), ("uploadId", uploadID)], body: body))
                    guard let etag = response.headers.first(name: "etag") else {
                        throw S3Error(operation: "PUT \(key) part \(index + 1)", unreachable: "the answer had no ETag")
                    }
                    return (index, etag)
                }
            }
            while next < min(settings.uploadConcurrency, count) {
                send(part: next)
                next += 1
            }
            while let (index, etag) = try await group.next() {
                etags[index] = etag
                if next < count {
                    send(part: next)
                    next += 1
                }
            }
            return etags
        }
    }

    /// S3 may answer a completion 200 with an error in the body; and a completion retried after a
    /// lost answer finds the upload gone (`NoSuchUpload`) although the object was made.
    private func completeUpload(_ key: String, uploadID: String, etags: [String], expectedSize: Int64) async throws {
        let parts = etags.enumerated().map {
            "<Part><PartNumber>\($0.offset + 1)</PartNumber><ETag>\($0.element)</ETag></Part>"
        }
        let body = ByteBuffer(string: "<CompleteMultipartUpload>\(parts.joined())</CompleteMultipartUpload>")
        let response = try await client.send(
            .init(.POST, key, query: [("uploadId", uploadID)], body: body), accept: [200, 404])
        if response.status == 404, try await objectSize(key) == expectedSize { return }
        guard response.status == 200, !response.isErrorInBody else {
            throw S3Error(operation: "POST \(key)?uploadId", status: response.status, body: response.body)
        }
    }

    func objectSize(_ key: String) async throws -> Int64? {
        let response = try await client.send(.init(.HEAD, key), accept: [200, 404])
        guard response.status == 200 else { return nil }
        return response.headers.first(name: "content-length").flatMap { Int64($0) }
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
