import AsyncHTTPClient

extension HTTPClient.Configuration {
    /// A client configuration suited to `ModelLocator`.
    ///
    /// Redirects are left to `HubDownloader`: the hub sends the integrity headers (`X-Linked-Etag`, `X-Linked-Size`)
    /// on its redirect to the CDN, and a client that follows redirects by itself hides them, so large files could
    /// only be checked by size. The read timeout ends a stalled download (it resumes on the next run); there is no
    /// overall deadline because a checkpoint can take long on a slow line.
    public static var modelHub: HTTPClient.Configuration {
        HTTPClient.Configuration(
            redirectConfiguration: .disallow,
            timeout: .init(connect: .seconds(10), read: .seconds(60)),
            decompression: .disabled
        )
    }
}
