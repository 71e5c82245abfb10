import Foundation
import NIOCore
import NIOPosix

/// Bytes on a socket, for requests no HTTP client library would send: broken framing, slow
/// headers, a body cut short. Reads the answer until the server closes the connection or a
/// complete response (by its `Content-Length`) has arrived.
struct RawHTTP {
    struct Response {
        let status: Int
        let headers: [(String, String)]
        let body: [UInt8]
        /// Every response on the connection, for an informational one before the final one.
        let statusLine: String

        func header(_ name: String) -> String? {
            headers.first { $0.0.caseInsensitiveCompare(name) == .orderedSame }?.1
        }

        var json: [String: Any]? { try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] }
        var errorCode: String? { (json?["error"] as? [String: Any])?["code"] as? String }
        var errorMessage: String? { (json?["error"] as? [String: Any])?["message"] as? String }
    }

    let port: Int

    /// Opens a connection that the caller keeps (idle and slowloris clients).
    func connect() async throws -> NIOAsyncChannel<ByteBuffer, ByteBuffer> {
        try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelOption(.allowRemoteHalfClosure, value: true)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(
                        wrappingChannelSynchronously: channel,
                        configuration: .init(isOutboundHalfClosureEnabled: true))
                }
            }
    }

    /// Sends `bytes` (then half-closes if asked) and returns the final response.
    func send(
        _ bytes: [UInt8], halfClose: Bool = false, timeout: Duration = .seconds(20)
    ) async throws -> Response {
        let channel = try await connect()
        return try await channel.executeThenClose { inbound, outbound in
            try await outbound.write(ByteBuffer(bytes: bytes))
            if halfClose { outbound.finish() }
            return try await Self.readResponse(inbound, timeout: timeout)
        }
    }

    func send(_ text: String, halfClose: Bool = false) async throws -> Response {
        try await send(Array(text.utf8), halfClose: halfClose)
    }

    /// Reads until a final (non-1xx) response is complete or the connection closes.
    static func readResponse(
        _ inbound: NIOAsyncChannelInboundStream<ByteBuffer>, timeout: Duration
    ) async throws -> Response {
        try await withThrowingTaskGroup(of: Response?.self) { group in
            group.addTask {
                var received: [UInt8] = []
                var iterator = inbound.makeAsyncIterator()
                while true {
                    if let response = parse(received) { return response }
                    guard let chunk = try await iterator.next() else { return parse(received, complete: true) }
                    received += chunk.readableBytesView
                }
            }
            group.addTask {
                try await Task.sleep(for: timeout)
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let response = first else {
                throw TimedOut(what: "a response on a raw connection")
            }
            return response
        }
    }

    /// The last final response in `bytes`, when complete (or when the connection closed).
    static func parse(_ bytes: [UInt8], complete: Bool = false) -> Response? {
        var offset = 0
        var statusLines: [String] = []
        while let end = find([13, 10, 13, 10], in: bytes, from: offset) {
            let head = String(decoding: bytes[offset..<end], as: UTF8.self)
            var lines = head.components(separatedBy: "\r\n")
            let statusLine = lines.removeFirst()
            statusLines.append(statusLine)
            let parts = statusLine.split(separator: " ")
            guard parts.count >= 2, let status = Int(parts[1]) else { return nil }
            let headers = lines.compactMap { line -> (String, String)? in
                guard let colon = line.firstIndex(of: ":") else { return nil }
                return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
            }
            offset = end + 4
            if (100..<200).contains(status) { continue }
            let length = headers.first { $0.0.lowercased() == "content-length" }.flatMap { Int($0.1) }
            if let length {
                guard bytes.count - offset >= length else { return nil }
                return Response(
                    status: status, headers: headers, body: Array(bytes[offset..<(offset + length)]),
                    statusLine: statusLines.joined(separator: " | "))
            }
            guard complete else { return nil }
            return Response(
                status: status, headers: headers, body: Array(bytes[offset...]),
                statusLine: statusLines.joined(separator: " | "))
        }
        if complete, !statusLines.isEmpty {
            return Response(status: 100, headers: [], body: [], statusLine: statusLines.joined(separator: " | "))
        }
        return complete ? Response(status: 0, headers: [], body: [], statusLine: "") : nil
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        var index = start
        while index + needle.count <= haystack.count {
            if haystack[index] == needle[0], Array(haystack[index..<(index + needle.count)]) == needle { return index }
            index += 1
        }
        return nil
    }

    /// A well-formed request with the given pieces (`Content-Length` computed).
    static func request(
        _ method: String, _ path: String, key: String? = nil, headers: [String] = [], body: [UInt8] = []
    ) -> [UInt8] {
        var lines = ["\(method) \(path) HTTP/1.1", "Host: localhost"]
        if let key { lines.append("Authorization: Bearer \(key)") }
        lines += headers
        if !body.isEmpty || ["POST", "PUT"].contains(method) { lines.append("Content-Length: \(body.count)") }
        return Array((lines.joined(separator: "\r\n") + "\r\n\r\n").utf8) + body
    }
}
