import Foundation

/// Everything that can stop a model from being found or fetched, each with a message a user can act on.
public enum ModelHubError: Error, Sendable, Equatable {
    /// `EMBEDDING_MODEL` is neither an existing folder nor a hub id such as `org/name` or `org/name@revision`.
    case invalidSpec(String)
    /// A local folder lacks files a checkpoint needs.
    case missingFiles(folder: String, files: [String])
    /// The hub could not be reached at all (DNS, refused, timeout); `folder` is where files placed by hand are used.
    case hubUnreachable(model: String, endpoint: String, folder: String, reason: String)
    /// The hub answered, but has no such required file (or no such repository or revision).
    case fileNotFound(model: String, file: String, status: Int)
    /// The hub answered with a status this code does not handle.
    case unexpectedStatus(model: String, file: String, status: Int)
    /// The finished bytes do not match what the hub announced; the partial file was deleted.
    case integrityMismatch(file: String, expected: String, actual: String)
    /// The connection broke mid-file; the bytes so far are kept and the next attempt resumes from them.
    case interrupted(file: String, bytesSoFar: Int64, reason: String)
    /// The local disk refused a write, rename or read.
    case fileSystem(path: String, reason: String)
}

extension ModelHubError: CustomStringConvertible, LocalizedError {
    public var description: String {
        switch self {
        case .invalidSpec(let spec):
            return "EMBEDDING_MODEL '\(spec)' is neither an existing folder nor a Hugging Face id like "
                + "'openai/clip-vit-base-patch32' (optionally '@revision')."
        case .missingFiles(let folder, let files):
            return "Model folder \(folder) is missing \(files.joined(separator: ", ")); a checkpoint folder needs "
                + CheckpointFiles.required.joined(separator: ", ") + "."
        case .hubUnreachable(let model, let endpoint, let folder, let reason):
            let page =
                endpoint.trimmingCharacters(in: CharacterSet(charactersIn: "/")) + "/"
                + model.replacingOccurrences(of: "@", with: "/tree/")
            return
                "Cannot reach \(endpoint) to download \(model) (\(reason)). To run offline, place the files by hand: "
                + "copy \(CheckpointFiles.required.joined(separator: ", ")) (and optionally "
                + "\(CheckpointFiles.optional.joined(separator: ", "))) from \(page) into \(folder), "
                + "or set EMBEDDING_MODEL to a local folder that holds them (see docs/models.md)."
        case .fileNotFound(let model, let file, let status):
            return "The hub has no \(file) for \(model) (HTTP \(status)); check the model id and revision."
        case .unexpectedStatus(let model, let file, let status):
            return "The hub answered HTTP \(status) for \(file) of \(model)."
        case .integrityMismatch(let file, let expected, let actual):
            return "Downloaded \(file) is corrupt: expected \(expected), got \(actual). The download was discarded; "
                + "run again to fetch it afresh."
        case .interrupted(let file, let bytesSoFar, let reason):
            return "Download of \(file) was interrupted after \(bytesSoFar) bytes (\(reason)); run again to resume."
        case .fileSystem(let path, let reason):
            return "Cannot write \(path): \(reason)"
        }
    }

    public var errorDescription: String? { description }
}
