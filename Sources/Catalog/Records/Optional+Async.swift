extension Optional {
    /// `flatMap` with an asynchronous transform: a look-up that only happens when there is a key.
    public func asyncFlatMap<T>(_ transform: (Wrapped) async throws -> T?) async rethrows -> T? {
        guard let self else { return nil }
        return try await transform(self)
    }
}
