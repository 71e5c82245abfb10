import Foundation
import NIOCore

extension S3Store {
    /// A multipart upload of `key` around `sendParts`, which sends the parts of the upload it is
    /// given and returns their ETags in order: created, completed, or aborted on any failure.
    /// Uploads of large blobs and copies above 5 GiB both go this way.
    func withMultipartUpload(
        _ key: String, size: Int64, _ sendParts: (_ uploadID: String) async throws -> [String]
    ) async throws {
        let created = try await client.send(.init(.POST, key, query: [("uploads", "")]))
        guard let uploadID = S3XML.parse(Data(created.body.readableBytesView))?.value("UploadId") else {
            throw S3Error(operation: "POST \(key)?uploads", status: created.status, body: created.body)
        }
        do {
            let etags = try await sendParts(uploadID)
            try await complete(key, uploadID: uploadID, etags: etags, expectedSize: size)
        } catch {
            // An unfinished upload's parts are kept (and billed) by S3 until aborted. The abort is
            // sent even when the failure was a cancellation, from a task of its own.
            await Task {
                _ = try? await client.send(
                    .init(.DELETE, key, query: [("uploadId", uploadID)]), accept: [200, 204, 404])
            }.value
            throw error
        }
    }

    /// A completion retried after a lost answer finds the upload gone (`NoSuchUpload`) although
    /// the object was made: the object itself, at its size, says so.
    private func complete(_ key: String, uploadID: String, etags: [String], expectedSize: Int64) async throws {
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

    /// The object's size from a `HEAD`; nil when there is none.
    func objectSize(_ key: String) async throws -> Int64? {
        let response = try await client.send(.init(.HEAD, key), accept: [200, 404])
        guard response.status == 200 else { return nil }
        return response.headers.first(name: "content-length").flatMap { Int64($0) }
    }
}
