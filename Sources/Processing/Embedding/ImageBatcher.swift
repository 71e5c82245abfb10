import CLIP
import Synchronization

/// Gathers the images of concurrent embedding jobs into shared forward passes: CLIP is faster
/// per image on a batch than one image at a time, and on the compute lane several jobs run at
/// once. Like a group commit: when nothing runs, a caller starts a drain that runs everything
/// waiting (up to a batch), hands each caller its rows, and goes on while more arrived meanwhile;
/// every caller only waits for its own rows.
///
/// The drain is a task of its own, not the caller's: under steady load it outlives any one job,
/// and a caller that is cancelled (its worker shutting down) must not cancel the batch that
/// carries other jobs' images.
final class ImageBatcher: Sendable {
    let limit: Int
    let run: @Sendable ([RGBImage]) async throws -> [[Float]]
    private let state = Mutex<(waiting: [Ticket], running: Bool)>(([], false))

    init(limit: Int = CLIPModel.maxBatchSize, run: @escaping @Sendable ([RGBImage]) async throws -> [[Float]]) {
        self.limit = limit
        self.run = run
    }

    /// Callers waiting for a batch to start (for tests).
    var waitingCount: Int { state.withLock { $0.waiting.count } }

    /// The embeddings of `images`, in order, computed in a batch with whatever else is waiting.
    func embeddings(_ images: [RGBImage]) async throws -> [[Float]] {
        guard !images.isEmpty else { return [] }
        let ticket = Ticket(images: images)
        let leads = state.withLock { state -> Bool in
            state.waiting.append(ticket)
            defer { state.running = true }
            return !state.running
        }
        if leads { Task { await self.drain() } }
        return try await ticket.value()
    }

    /// Runs batches until nothing waits. A job larger than a batch (a long video's segments) runs
    /// alone; CLIP splits it itself.
    private func drain() async {
        while true {
            let batch = state.withLock { state -> [Ticket] in
                var taken: [Ticket] = []
                var count = 0
                while let next = state.waiting.first, taken.isEmpty || count + next.images.count <= limit {
                    taken.append(state.waiting.removeFirst())
                    count += next.images.count
                }
                if taken.isEmpty { state.running = false }
                return taken
            }
            guard !batch.isEmpty else { return }
            do {
                let rows = try await run(batch.flatMap(\.images))
                var offset = 0
                for ticket in batch {
                    ticket.fulfil(.success(Array(rows[offset..<offset + ticket.images.count])))
                    offset += ticket.images.count
                }
            } catch {
                for ticket in batch { ticket.fulfil(.failure(error)) }
            }
        }
    }

    /// One caller's images and, once its batch ran, its rows.
    final class Ticket: Sendable {
        let images: [RGBImage]
        private let state = Mutex<
            (result: Result<[[Float]], any Error>?, waiter: CheckedContinuation<[[Float]], any Error>?)
        >(
            (nil, nil))

        init(images: [RGBImage]) { self.images = images }

        func fulfil(_ result: Result<[[Float]], any Error>) {
            let waiter = state.withLock { state -> CheckedContinuation<[[Float]], any Error>? in
                guard let waiter = state.waiter else {
                    state.result = result
                    return nil
                }
                state.waiter = nil
                return waiter
            }
            waiter?.resume(with: result)
        }

        func value() async throws -> [[Float]] {
            try await withCheckedThrowingContinuation { continuation in
                let ready = state.withLock { state -> Result<[[Float]], any Error>? in
                    if let result = state.result { return result }
                    state.waiter = continuation
                    return nil
                }
                if let ready { continuation.resume(with: ready) }
            }
        }
    }
}
