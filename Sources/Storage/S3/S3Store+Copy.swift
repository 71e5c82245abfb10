import Foundation
import NIOCore

extension S3Store {
    /// Server-side copy: no bytes pass through this process. S3 copies at most 5 GiB in one
    /// request; a larger object is copied part by part (`UploadPartCopy`).
    /// A copy onto the object itself must replace its metadata (`refresh`); a multipart copy
    /// makes a new object whatever.
    func copy(_ source: String, to destination: String, size: Int64) async throws {
        let copySource = "/\(settings.bucket)/\(source)"
        guard size > settings.singleCopyLimit else {
            var headers = [("x-amz-copy-source", copySource)]
            if source == destination { headers.append(("x-amz-metadata-directive", "REPLACE")) }
            let response = try await client.send(.init(.PUT, destination, headers: headers))
            guard !response.isErrorInBody else {
                throw S3Error(operation: "PUT \(destination) (copy)", status: response.status, body: response.body)
            }
            return
        }
        try await withMultipartUpload(destination, size: size) { uploadID in
            var etags: [String] = []
            var offset: Int64 = 0
            while offset < size {
                let end = min(offset + settings.copyPartSize, size)
                let response = try await client.send(
                    .init(
                        .PUT, destination, query: [("partNumber", "\(etags.count + 1)"), ("uploadId", uploadID)],
                        headers: [
                            ("x-amz-copy-source", copySource),
                            ("x-amz-copy-source-range", "bytes=\(offset)-\(end - 1)"),
                        ]))
                guard let etag = S3XML.parse(Data(response.body.readableBytesView))?.value("ETag") else {
                    throw S3Error(
                        operation: "PUT \(destination) (copy part)", status: response.status, body: response.body)
                }
                etags.append(etag)
                offset = end
            }
            return etags
        }
    }

    /// Makes an object's last-modified time now, by copying it onto itself: the content is there
    /// already, and the orphan sweeper's grace must count from this upload, whose catalog row is
    /// yet to commit. S3 takes a copy onto itself only when it replaces the metadata.
    func refresh(_ key: String, size: Int64) async throws { try await copy(key, to: key, size: size) }

    /// The folder view's moves, as server-side copies and deletes (see `Placement`): done again
    /// after a crash, a placement finishes whichever step the crash interrupted.
    public func place(_ placements: [Placement]) async throws -> [Placement] {
        let found = try await boundedConcurrentMap(placements, limit: settings.uploadConcurrency * 2) { placement in
            try await place(placement)
        }
        return zip(placements, found).filter { !$0.1 }.map(\.0)
    }

    /// false when the bytes were nowhere.
    private func place(_ placement: Placement) async throws -> Bool {
        let target = objectKey(placement.target)
        let names = ([placement.current].compactMap { $0 } + placement.earlier).map(objectKey).filter { $0 != target }
        var source: (key: String, size: Int64)?
        for name in names {
            if let size = try await objectSize(name) {
                source = (name, size)
                break
            }
        }
        if let source {
            try await copy(source.key, to: target, size: source.size)
        } else if try await objectSize(target) == nil {
            let original = objectKey(placement.original)
            guard let size = try await objectSize(original) else { return false }
            try await copy(original, to: target, size: size)
        }
        // No other name of this file may stay behind.
        for name in names {
            _ = try await client.send(.init(.DELETE, name), accept: [200, 204, 404])
        }
        return true
    }
}
