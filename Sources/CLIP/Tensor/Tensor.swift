/// Immutable float32 storage: a view into a memory-mapped checkpoint or an owned allocation.
final class TensorStorage: @unchecked Sendable {
    let pointer: UnsafePointer<Float>
    let count: Int
    private let mapping: MappedFile?

    /// Views `count` floats of a mapping; the mapping stays alive as long as the view does.
    init(viewing mapping: MappedFile, byteOffset: Int, count: Int) {
        self.mapping = mapping
        self.pointer = (mapping.base + byteOffset).assumingMemoryBound(to: Float.self)
        self.count = count
    }

    /// Takes ownership of `count` floats filled by `initialize`.
    init(count: Int, initialize: (UnsafeMutableBufferPointer<Float>) -> Void) {
        let buffer = UnsafeMutableBufferPointer<Float>.allocate(capacity: max(count, 1))
        initialize(UnsafeMutableBufferPointer(rebasing: buffer[0..<count]))
        self.mapping = nil
        self.pointer = UnsafePointer(buffer.baseAddress!)
        self.count = count
    }

    deinit {
        if mapping == nil { UnsafeMutablePointer(mutating: pointer).deallocate() }
    }
}

/// A read-only float32 tensor in row-major (C) order, as PyTorch stores it.
struct Tensor: Sendable {
    let shape: [Int]
    let storage: TensorStorage

    var pointer: UnsafePointer<Float> { storage.pointer }
    var count: Int { storage.count }

    init(shape: [Int], storage: TensorStorage) {
        precondition(shape.reduce(1, *) == storage.count)
        self.shape = shape
        self.storage = storage
    }

    init(shape: [Int], values: [Float]) {
        precondition(shape.reduce(1, *) == values.count)
        self.shape = shape
        self.storage = TensorStorage(count: values.count) { buffer in
            _ = buffer.initialize(from: values)
        }
    }

    var values: [Float] { Array(UnsafeBufferPointer(start: pointer, count: count)) }
}
