import AsyncHTTPClient
import Foundation
import NIOCore
import NIOPosix

/// Short, human wording for the errors a connection attempt ends with.
enum ConnectionFailure {
    static func describe(_ error: any Error) -> String {
        switch error {
        case let error as NIOConnectionError:
            if error.dnsAError != nil || error.dnsAAAAError != nil, error.connectionErrors.isEmpty {
                return "cannot resolve \(error.host)"
            }
            return error.connectionErrors.first.map {
                "cannot connect to \(error.host):\(error.port): \(describe($0.error))"
            }
                ?? "cannot connect to \(error.host):\(error.port)"
        case let error as IOError:
            return String(cString: strerror(error.errnoCode)).lowercased()
        case let error as HTTPClientError:
            if error == .connectTimeout || error == .getConnectionFromPoolTimeout { return "connection timed out" }
            if error == .deadlineExceeded || error == .readTimeout { return "no answer in time" }
            return "\(error)"
        case ChannelError.connectTimeout:
            return "connection timed out"
        default:
            return "\(error)"
        }
    }
}
