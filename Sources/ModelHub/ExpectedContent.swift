import Foundation
import NIOHTTP1

/// What the hub says a file's bytes should be, read from its response headers before any redirect to a CDN.
struct ExpectedContent: Sendable, Equatable {
    /// SHA-256 of the content (hex); the hub gives it for LFS files in `X-Linked-Etag` and `ETag`.
    var sha256: String?
    /// Git blob id (SHA-1 of `"blob <size>\0" + content`, hex); the hub's `ETag` for small, non-LFS files.
    var gitBlobSHA1: String?
    var size: Int64?

    static let unknown = ExpectedContent()

    /// `X-Linked-Etag` and `X-Linked-Size` describe the file even on a redirect; `ETag` and `Content-Length` only
    /// describe the body of a direct `2xx` answer.
    init(headers: HTTPHeaders, isDirectContent: Bool) {
        let linkedTag = headers.first(name: "X-Linked-Etag").map(Self.normalizeTag)
        let plainTag = headers.first(name: "ETag").map(Self.normalizeTag)
        for tag in [linkedTag, plainTag].compactMap({ $0 }) {
            if tag.count == 64, Self.isHex(tag) {
                sha256 = sha256 ?? tag
            } else if tag.count == 40, Self.isHex(tag), tag == plainTag, isDirectContent {
                gitBlobSHA1 = gitBlobSHA1 ?? tag
            }
        }
        let linkedSize = headers.first(name: "X-Linked-Size").flatMap { Int64($0) }
        let bodySize = isDirectContent ? headers.first(name: "Content-Length").flatMap { Int64($0) } : nil
        size = linkedSize ?? bodySize
    }

    init(sha256: String? = nil, gitBlobSHA1: String? = nil, size: Int64? = nil) {
        self.sha256 = sha256
        self.gitBlobSHA1 = gitBlobSHA1
        self.size = size
    }

    /// Fills what this one lacks from `other`: the first hub answer wins, later ones only add.
    func merged(with other: ExpectedContent) -> ExpectedContent {
        ExpectedContent(
            sha256: sha256 ?? other.sha256,
            gitBlobSHA1: gitBlobSHA1 ?? other.gitBlobSHA1,
            size: size ?? other.size
        )
    }

    /// `W/"abc"` → `abc`, lowercased, as huggingface_hub normalises etags.
    private static func normalizeTag(_ raw: String) -> String {
        var tag = raw.trimmingCharacters(in: .whitespaces)
        if tag.hasPrefix("W/") { tag.removeFirst(2) }
        return tag.trimmingCharacters(in: CharacterSet(charactersIn: "\"")).lowercased()
    }

    private static func isHex(_ text: String) -> Bool {
        text.unicodeScalars.allSatisfy { ("0"..."9").contains($0) || ("a"..."f").contains($0) }
    }
}
