#if canImport(CDNNL)
    import CDNNL
    import Foundation
    import Synchronization
    #if canImport(Glibc)
        import Glibc
    #endif

    /// The process-wide oneDNN CPU engine and the glue to call oneDNN from the engine's own threads.
    enum DNNL {
        struct Failure: Error, CustomStringConvertible {
            let call: String
            let status: dnnl_status_t
            var description: String { "oneDNN \(call) failed with status \(status.rawValue)" }
        }

        static func check(_ status: dnnl_status_t, _ call: @autoclosure () -> String) throws {
            guard status == dnnl_success else { throw Failure(call: call(), status: status) }
        }

        nonisolated(unsafe) static let engine: dnnl_engine_t? = {
            var engine: dnnl_engine_t?
            return dnnl_engine_create(&engine, dnnl_cpu, 0) == dnnl_success ? engine : nil
        }()

        /// oneDNN is built on OpenMP here. Each of our worker threads runs its own band of a
        /// product, so OpenMP must not fan out again: `omp_set_num_threads(1)` is per thread.
        /// It is looked up at run time in the libgomp that libdnnl already loaded.
        private static let setOpenMPThreads: (@convention(c) (Int32) -> Void)? = {
            guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "omp_set_num_threads") else { return nil }
            return unsafeBitCast(symbol, to: (@convention(c) (Int32) -> Void).self)
        }()

        static func useOneThreadHere() { setOpenMPThreads?(1) }

        /// Streams are cheap but not free to create, and one must not be used by two threads at
        /// once: a small pool hands each call its own.
        private static let streams = Mutex<[StreamHandle]>([])

        private struct StreamHandle: @unchecked Sendable {
            let stream: dnnl_stream_t?
        }

        static func takeStream() throws -> dnnl_stream_t? {
            if let pooled = streams.withLock({ $0.popLast() }) { return pooled.stream }
            var stream: dnnl_stream_t?
            try check(dnnl_stream_create(&stream, engine, dnnl_stream_default_flags.rawValue), "stream")
            return stream
        }

        static func giveStream(_ stream: dnnl_stream_t?) {
            streams.withLock { $0.append(StreamHandle(stream: stream)) }
        }

        /// Whether bfloat16 matrix products run natively (AVX-512 BF16), probed once with a tiny matmul.
        static let supportsBFloat16: Bool = {
            guard engine != nil else { return false }
            var a = dnnl_memory_desc_t()
            var b = dnnl_memory_desc_t()
            var c = dnnl_memory_desc_t()
            let dims: [dnnl_dim_t] = [16, 64]
            let weights: [dnnl_dim_t] = [64, 64]
            guard dnnl_memory_desc_init_by_tag(&a, 2, dims, dnnl_bf16, dnnl_ab) == dnnl_success,
                dnnl_memory_desc_init_by_tag(&b, 2, weights, dnnl_bf16, dnnl_format_tag_any) == dnnl_success,
                dnnl_memory_desc_init_by_tag(&c, 2, dims, dnnl_f32, dnnl_ab) == dnnl_success
            else { return false }
            var descriptor = dnnl_matmul_desc_t()
            guard dnnl_matmul_desc_init(&descriptor, &a, &b, nil, &c) == dnnl_success else { return false }
            var primitiveDescriptor: dnnl_primitive_desc_t?
            guard dnnl_primitive_desc_create(&primitiveDescriptor, &descriptor, nil, engine, nil) == dnnl_success else {
                return false
            }
            defer { dnnl_primitive_desc_destroy(primitiveDescriptor) }
            var implementation: UnsafePointer<CChar>?
            dnnl_primitive_desc_query(primitiveDescriptor, dnnl_query_impl_info_str, 0, &implementation)
            // Without the instructions oneDNN emulates bf16 through slow reference kernels.
            return implementation.map { String(cString: $0).contains("bf16") } ?? false
        }()
    }
#endif
