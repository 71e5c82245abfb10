import AsyncHTTPClient
import NIOCore
import NIOPosix

/// When a failed request is worth sending again, and how long to wait first.
///
/// S3 asks clients to retry 500, 503 (`SlowDown`) and connection failures with exponential
/// backoff; the wait is drawn at random up to the exponential bound ("full jitter"), so many
/// workers throttled at once do not come back in step.
struct S3RetryPolicy: Sendable {
    var maxAttempts: Int
    var baseDelay: Duration = .milliseconds(50)
    var maxDelay: Duration = .seconds(5)

    /// The wait before attempt `attempt + 1` (attempts count from 1).
    func delay(after attempt: Int) -> Duration {
        let bound = min(maxDelay, baseDelay * (1 << min(attempt - 1, 16)))
        let milliseconds = Int(bound / .milliseconds(1))
        return .milliseconds(Int.random(in: 0...max(milliseconds, 1)))
    }

    /// Server-side failures and throttling; 4xx other than these are the request's own fault.
    static func isRetryable(status: Int, code: String?) -> Bool {
        switch status {
        case 500, 502, 503, 504, 429: return true
        // The server gave up waiting for the body of a request that was sent whole: a retry's matter.
        case 400: return code == "RequestTimeout"
        default: return false
        }
    }

    /// No answer: refused, reset, timed out or closed before the response was whole.
    static func isRetryable(_ error: any Error) -> Bool {
        switch error {
        case is NIOConnectionError, is IOError, is ChannelError: return true
        case let error as HTTPClientError:
            return [
                .remoteConnectionClosed, .readTimeout, .connectTimeout, .getConnectionFromPoolTimeout,
                .deadlineExceeded,
            ].contains(error)
        default:
            return false
        }
    }
}
