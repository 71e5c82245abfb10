import CLinuxShims
import Foundation
import NIOPosix
import Synchronization

/// Group commit for blob durability: every caller of `sync()` returns once a `syncfs` that
/// *started after it called* has finished, and one `syncfs` serves everyone who is waiting.
/// Under load this turns a flush per document into a flush per batch of documents, while
/// still never answering before the bytes are on disk.
final class GroupSync: Sendable {
    private struct State {
        var started = 0
        var completed = 0
        var running = false
        var waiters: [(ticket: Int, continuation: CheckedContinuation<Void, any Error>)] = []
    }

    private let state = Mutex(State())
    /// An open descriptor on the store's file system: `syncfs` flushes the file system it is on.
    private let descriptor: Int32

    init(directory: String) throws {
        descriptor = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { throw POSIXFile.Failure(operation: "open \(directory)", code: errno) }
    }

    deinit { close(descriptor) }

    func sync() async throws {
        try await withCheckedThrowingContinuation { continuation in
            let startRunner = state.withLock { state in
                state.waiters.append((state.started + 1, continuation))
                defer { state.running = true }
                return !state.running
            }
            if startRunner { Task { await self.drain() } }
        }
    }

    /// Runs flushes back to back while anyone waits for one.
    private func drain() async {
        while true {
            let generation: Int? = state.withLock { state in
                guard state.waiters.contains(where: { $0.ticket > state.completed }) else {
                    state.running = false
                    return nil
                }
                state.started += 1
                return state.started
            }
            guard let generation else { return }
            let result: Result<Void, any Error>
            do {
                try await NIOThreadPool.singleton.runIfActive { [descriptor] in
                    try POSIXFile.check(afa_syncfs(descriptor), "syncfs")
                }
                result = .success(())
            } catch {
                result = .failure(error)
            }
            let served = state.withLock { state in
                state.completed = generation
                let (served, rest) = (
                    state.waiters.filter { $0.ticket <= generation }, state.waiters.filter { $0.ticket > generation }
                )
                state.waiters = rest
                return served
            }
            for waiter in served { waiter.continuation.resume(with: result) }
        }
    }
}
