import Synchronization

/// A mutable float32 buffer for activations; contents start undefined.
final class FloatBuffer: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<Float>
    let count: Int

    init(count: Int) {
        self.count = count
        pointer = .allocate(capacity: max(count, 1))
    }

    func zero(from start: Int = 0, count: Int? = nil) {
        (pointer + start).update(repeating: 0, count: count ?? (self.count - start))
    }

    deinit { pointer.deallocate() }
}

/// Activation buffers kept between calls. Fresh multi-megabyte allocations come from mmap and
/// cost a page fault per 4 KiB on every forward pass; reusing them avoids that. A buffer belongs
/// to one call between `take` and `give`, so concurrent callers never share one.
final class BufferPool: Sendable {
    /// For scratch memory of calls that belong to no model (oneDNN's per-call workspace).
    static let shared = BufferPool()

    private let buffers = Mutex<[FloatBuffer]>([])
    private let limit = 64

    /// The smallest free buffer of at least `count` floats, or a new one.
    func take(_ count: Int) -> FloatBuffer {
        let reused: FloatBuffer? = buffers.withLock { free in
            guard
                let index = free.indices.filter({ free[$0].count >= count }).min(by: { free[$0].count < free[$1].count }
                )
            else { return nil }
            return free.remove(at: index)
        }
        return reused ?? FloatBuffer(count: count)
    }

    func give(_ buffer: FloatBuffer) {
        buffers.withLock { free in
            free.append(buffer)
            if free.count > limit, let smallest = free.indices.min(by: { free[$0].count < free[$1].count }) {
                free.remove(at: smallest)
            }
        }
    }

    /// Runs `body` with buffers of the given sizes, returning them to the pool afterwards.
    func with<Result>(_ counts: [Int], _ body: ([FloatBuffer]) throws -> Result) rethrows -> Result {
        let taken = counts.map(take)
        defer { taken.forEach(give) }
        return try body(taken)
    }
}
