/// Called while a file streams to disk: the file's name, bytes on disk so far (resumed bytes included), and the
/// file's full size when the hub announced it. Called at most about once per MiB, and once when the file is done.
public typealias DownloadProgress = @Sendable (_ file: String, _ bytesSoFar: Int64, _ totalBytes: Int64?) -> Void

/// What `HubDownloader.download` did for one file.
public enum DownloadOutcome: Sendable, Equatable {
    /// The final file was already in the folder; nothing was fetched.
    case alreadyPresent
    /// The file was fetched (or finished from a partial), verified and moved into place.
    case downloaded(bytes: Int64)
    /// An optional file the repository does not have.
    case absent
}
