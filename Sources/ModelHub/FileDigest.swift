import Crypto
import Foundation

/// Hashes of a file on disk, read in chunks so a 600 MB checkpoint never sits in memory.
struct FileDigest: Sendable {
    var sha256: String
    var gitBlobSHA1: String
    var size: Int64

    static func of(_ file: URL, chunkSize: Int = 1 << 20) throws -> FileDigest {
        let handle = try FileHandle(forReadingFrom: file)
        defer { try? handle.close() }
        let size = Int64(try handle.seekToEnd())
        try handle.seek(toOffset: 0)
        var sha256 = SHA256()
        // Git hashes a header with the length before the content, so the id can be checked in the same pass.
        var gitSHA1 = Insecure.SHA1()
        gitSHA1.update(data: Data("blob \(size)\0".utf8))
        while let chunk = try handle.read(upToCount: chunkSize), !chunk.isEmpty {
            sha256.update(data: chunk)
            gitSHA1.update(data: chunk)
        }
        return FileDigest(sha256: hex(sha256.finalize()), gitBlobSHA1: hex(gitSHA1.finalize()), size: size)
    }

    /// The first way `self` differs from `expected`, as (expected, actual) for the error message; nil when it matches.
    func mismatch(against expected: ExpectedContent) -> (expected: String, actual: String)? {
        if let size = expected.size, size != self.size {
            return ("\(size) bytes", "\(self.size) bytes")
        }
        if let digest = expected.sha256, digest != sha256 {
            return ("sha256 \(digest)", "sha256 \(sha256)")
        }
        if let blob = expected.gitBlobSHA1, blob != gitBlobSHA1 {
            return ("git blob \(blob)", "git blob \(gitBlobSHA1)")
        }
        return nil
    }

    private static func hex<D: Sequence>(_ digest: D) -> String where D.Element == UInt8 {
        digest.map { byte in
            let text = String(byte, radix: 16)
            return text.count == 1 ? "0" + text : text
        }.joined()
    }
}
