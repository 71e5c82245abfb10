import Foundation

/// The few blocking file operations the store runs on NIO's thread pool, never on an event loop.
enum POSIXFile {
    struct Failure: Error, CustomStringConvertible {
        let operation: String
        let code: Int32
        var description: String { "\(operation): \(String(cString: strerror(code)))" }
    }

    static func check(_ result: Int32, _ operation: @autoclosure () -> String) throws {
        if result != 0 { throw Failure(operation: operation(), code: errno) }
    }

    static func createDirectories(_ path: String) throws {
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    /// Creates `path` (it must not exist), writes everything and closes; durability is the
    /// caller's (a group `syncfs`).
    static func writeNew(_ bytes: UnsafeRawBufferPointer, to path: String) throws {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o640)
        guard descriptor >= 0 else { throw Failure(operation: "create \(path)", code: errno) }
        defer { close(descriptor) }
        var offset = 0
        while offset < bytes.count {
            let written = write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                throw Failure(operation: "write \(path)", code: errno)
            }
            offset += written
        }
    }
}
