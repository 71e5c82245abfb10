import AsyncHTTPClient
import Foundation
import NIOCore
import WireTypes

/// Sends one file as `files[]` in a multipart request, streamed from disk with a known length.
struct MultipartUploader: Sendable {
    let client: HTTPClient
    let url: String
    let key: String
    let owner: String?
    let comments: String?
    let progress: TransferProgress

    func upload(_ file: WalkedFile) async throws -> IngestAccepted {
        let boundary = "afa-\(UUID().uuidString)"
        var head = ""
        for (name, value) in [("owner", owner), ("comments", comments)] {
            guard let value else { continue }
            head += "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n"
        }
        let filename = URL(filePath: file.path).lastPathComponent
            .replacingOccurrences(of: "\"", with: "%22").replacingOccurrences(of: "\r", with: "")
            .replacingOccurrences(of: "\n", with: "")
        head += "--\(boundary)\r\nContent-Disposition: form-data; name=\"files[]\"; filename=\"\(filename)\"\r\n"
        head += "Content-Type: application/octet-stream\r\n\r\n"
        let tail = "\r\n--\(boundary)--\r\n"
        let length = Int64(head.utf8.count + tail.utf8.count) + file.size

        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Authorization", value: "Bearer \(key)")
        request.headers.add(name: "Content-Type", value: "multipart/form-data; boundary=\(boundary)")
        let parts = FileBodySequence(head: head, path: file.path, tail: tail, progress: progress)
        request.body = .stream(parts, length: .known(length))
        let response = try await client.execute(request, timeout: .hours(6))
        let receipt = try await decodeResponse(IngestAccepted.self, response)
        progress.fileDone()
        return receipt
    }
}

/// The multipart head, the file in 1 MiB chunks, then the closing boundary.
struct FileBodySequence: AsyncSequence, Sendable {
    typealias Element = ByteBuffer
    let head: String
    let path: String
    let tail: String
    let progress: TransferProgress

    func makeAsyncIterator() -> Iterator { Iterator(sequence: self) }

    struct Iterator: AsyncIteratorProtocol {
        let sequence: FileBodySequence
        var stage = 0
        var handle: FileHandle?

        mutating func next() async throws -> ByteBuffer? {
            switch stage {
            case 0:
                stage = 1
                handle = try FileHandle(forReadingFrom: URL(filePath: sequence.path))
                return ByteBuffer(string: sequence.head)
            case 1:
                if let data = try handle?.read(upToCount: 1 << 20), !data.isEmpty {
                    sequence.progress.add(bytes: Int64(data.count))
                    return ByteBuffer(bytes: data)
                }
                try handle?.close()
                handle = nil
                stage = 2
                return ByteBuffer(string: sequence.tail)
            default:
                return nil
            }
        }
    }
}
