import Foundation

extension S3Store {
    /// `ListObjectsV2`, one page (up to 1,000 keys) per element, fetched as the consumer asks: keys
    /// come back in ascending order, as the protocol promises. Objects under the prefix that are
    /// not keys of this store (someone else's files in a shared bucket) are left out.
    public func list(prefix: String) -> AsyncThrowingStream<[StoredBlob], any Error> {
        let cursor = ListingCursor()
        return AsyncThrowingStream { [self] in
            guard let token = await cursor.next() else { return nil }
            var query = [("list-type", "2"), ("prefix", settings.keyPrefix + prefix)]
            if !token.isEmpty { query.append(("continuation-token", token)) }
            let response = try await client.send(.init(.GET, nil, query: query))
            guard let listing = S3XML.parse(Data(response.body.readableBytesView)),
                listing.name == "ListBucketResult"
            else { throw S3Error(operation: "GET bucket (list)", status: response.status, body: response.body) }
            let truncated = listing.value("IsTruncated") == "true"
            await cursor.advance(to: truncated ? listing.value("NextContinuationToken") : nil)
            return listing.children("Contents").compactMap(storedBlob)
        }
    }

    private func storedBlob(_ entry: S3XML) -> StoredBlob? {
        guard let name = entry.value("Key"), name.hasPrefix(settings.keyPrefix),
            let key = BlobKey(String(name.dropFirst(settings.keyPrefix.count))),
            let size = entry.value("Size").flatMap({ Int64($0) }),
            let modified = entry.value("LastModified").flatMap(Self.timestamp)
        else { return nil }
        return StoredBlob(key: key, size: size, modified: modified)
    }

    /// S3 writes `2026-12-04T05:51:47.000Z`; some compatible servers leave out the fraction.
    static func timestamp(_ text: String) -> Date? {
        (try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text))
            ?? (try? Date.ISO8601FormatStyle().parse(text))
    }

}

extension S3Store {
    /// Staging is local: a crashed process's uploads are files of this machine. (A multipart upload
    /// it left unfinished in the bucket is removed by the bucket's AbortIncompleteMultipartUpload
    /// rule: see docs/deployment.md.)
    public func sweepStaging(before cutoff: Date) async throws -> Int {
        try await staging.sweepStaging(before: cutoff)
    }
}

/// Where a listing is: "" before the first page, a continuation token between pages, nil at the end.
private actor ListingCursor {
    private var token: String? = ""

    func next() -> String? { token }
    func advance(to token: String?) { self.token = token }
}
