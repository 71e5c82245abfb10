import Foundation
import NIOCore

/// A request the service refused or could not answer, with its S3 error code when it gave one.
public struct S3Error: Error, CustomStringConvertible, Sendable {
    public let operation: String
    /// HTTP status; 0 when no answer came (connection refused, reset, timed out).
    public let status: Int
    /// S3's own code (`NoSuchKey`, `SlowDown`, `InternalError`…) when the body had one.
    public let code: String?
    public let message: String

    public var description: String {
        let what = [code, message.isEmpty ? nil : message].compactMap { $0 }.joined(separator: ": ")
        return status == 0
            ? "S3 \(operation): \(message)" : "S3 \(operation) answered \(status)\(what.isEmpty ? "" : " (\(what))")"
    }

    init(operation: String, status: Int, body: ByteBuffer?) {
        self.operation = operation
        self.status = status
        let xml = body.flatMap { S3XML.parse(Data($0.readableBytesView)) }
        code = xml?.value("Code")
        message = xml?.value("Message") ?? ""
    }

    init(operation: String, unreachable reason: String) {
        self.operation = operation
        status = 0
        code = nil
        message = reason
    }
}
