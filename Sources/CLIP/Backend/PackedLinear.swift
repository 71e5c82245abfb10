#if canImport(CDNNL)
    import CDNNL
    import Synchronization

    /// `y = x · Wᵀ (+ y)` with W packed once at load time, in float32, bfloat16 or int8. OpenBLAS
    /// repacks W on every call, which dominates when there are few rows (one image is 50).
    ///
    /// The kernels, by tier (`CLIPKernelPlan.kernels`): oneDNN's brgemm where it has one that
    /// reads packed weights (AVX-512, and int8 with VNNI); below that oneDNN 2.6 repacks on every
    /// call too, so float32 runs the engine's own `PanelWeights` and int8 its `WidenedInt8Weights`.
    ///
    /// int8: W is quantised per output row (symmetric, `weightScales`) with its outlier input
    /// columns (`OutlierColumns`) left out and kept in float32; `applyInt8` applies the per-row
    /// input scale, the bias and adds the outlier columns' product.
    ///
    /// W is cut into one band of output columns per worker thread; each band has its own packed
    /// weights and runs single-threaded on that worker, like `Linear`'s sgemm path.
    final class PackedLinear: @unchecked Sendable {
        static var isAvailable: Bool { DNNL.engine != nil }

        let inputSize: Int
        let outputSize: Int
        let dataType: dnnl_data_type_t
        let bands: [Band]
        /// Primitives are compiled (JIT) per row count; the same shapes recur, so they are cached.
        private let primitives = Mutex<[PrimitiveKey: Primitive]>([:])

        final class Band {
            let columns: Range<Int>
            var weightsDescriptor = dnnl_memory_desc_t()
            var weights: dnnl_memory_t?

            init(columns: Range<Int>) { self.columns = columns }
            deinit { if let weights { dnnl_memory_destroy(weights) } }
        }

        private struct PrimitiveKey: Hashable {
            let rows: Int
            let band: Int
            let accumulate: Bool
        }

        private final class Primitive: @unchecked Sendable {
            let primitive: dnnl_primitive_t?
            let scratchpadSize: Int
            init(primitive: dnnl_primitive_t?, scratchpadSize: Int) {
                self.primitive = primitive
                self.scratchpadSize = scratchpadSize
            }
            deinit { if let primitive { dnnl_primitive_destroy(primitive) } }
        }

        /// Packs W [out, in] (row-major float32) into `precision`; `outliers` only for int8.
        convenience init(
            weight: Tensor, bias: Tensor?, precision: CLIPPrecision, outliers: OutlierColumns? = nil
        ) throws {
            let dataType: dnnl_data_type_t =
                switch precision {
                case .float32: dnnl_f32
                case .bfloat16: dnnl_bf16
                case .int8: dnnl_s8
                }
            try self.init(
                weight: weight, bias: bias, dataType: dataType, outliers: dataType == dnnl_s8 ? outliers : nil)
        }

        var precision: CLIPPrecision {
            dataType == dnnl_bf16 ? .bfloat16 : dataType == dnnl_s8 ? .int8 : .float32
        }

        /// float32, added by the kernel as it writes each output tile (not for int8: see above).
        private let bias: Tensor?
        /// int8 only: `W[n, :] ≈ weightScales[n] · W_q[n, :]`.
        let weightScales: [Float]
        /// int8 only: input columns left out of the int8 product (zero in the packed weights) and
        /// their weights in float32, [out, outliers.columns.count], whose product `applyInt8` adds.
        let outliers: (columns: OutlierColumns, weights: Tensor)?
        /// int8 from AVX2 up to AVX-512 without VNNI (`CPUPath.widensInt8`): the engine's own kernel.
        let widened: WidenedInt8Weights?
        /// float32 below AVX-512: the engine's own packed kernel instead of oneDNN's.
        private let panels: PanelWeights?

        init(weight: Tensor, bias: Tensor?, dataType: dnnl_data_type_t, outliers: OutlierColumns? = nil) throws {
            self.bias = dataType == dnnl_s8 ? nil : bias
            self.outliers = outliers.map { ($0, $0.gather(weight)) }
            outputSize = weight.shape[0]
            inputSize = weight.shape[1]
            self.dataType = dataType
            // oneDNN's bands, unless one of the engine's own kernels (with bands of its own) runs.
            let ownKernel =
                dataType == dnnl_s8 ? CPUPath.effective.widensInt8 : dataType == dnnl_f32 && PanelWeights.isPreferred
            let workers = ownKernel ? 0 : max(1, min(Parallel.workerCount, outputSize / 64))
            bands = (0..<workers).map { worker in
                let boundary = { (w: Int) in w == workers ? weight.shape[0] : weight.shape[0] * w / workers / 64 * 64 }
                return Band(columns: boundary(worker)..<boundary(worker + 1))
            }
            DNNL.useOneThreadHere()
            if dataType == dnnl_s8 {
                let (scales, quantized) = Self.quantizePerRow(weight, leavingOut: outliers?.columns ?? [])
                weightScales = scales
                panels = nil
                widened =
                    ownKernel
                    ? WidenedInt8Weights(
                        quantized: quantized, scales: scales, outputSize: outputSize, inputSize: inputSize) : nil
                try quantized.withUnsafeBufferPointer { values in
                    for band in bands { try pack(UnsafeRawPointer(values.baseAddress!), dataType: dnnl_s8, into: band) }
                }
            } else {
                weightScales = []
                widened = nil
                panels = ownKernel ? PanelWeights(weight: weight, bias: bias) : nil
                // float32 weights, reordered into float32 or bfloat16 blocks.
                for band in bands { try pack(UnsafeRawPointer(weight.pointer), dataType: dnnl_f32, into: band) }
            }
        }

        /// `weights` is the whole [out, in] matrix (row-major) in `dataType`.
        private func pack(_ weights: UnsafeRawPointer, dataType plainType: dnnl_data_type_t, into band: Band) throws {
            let (k, n) = (dnnl_dim_t(inputSize), dnnl_dim_t(band.columns.count))
            // The band as oneDNN's logical [K, N] weights: element (k, n) sits at n·K + k.
            var plain = dnnl_memory_desc_t()
            try DNNL.check(dnnl_memory_desc_init_by_strides(&plain, 2, [k, n], plainType, [1, k]), "weights desc")
            // Ask a representative matmul which packed layout it wants.
            let probe = try makePrimitiveDescriptor(rows: 64, band: band, weights: nil, accumulate: false)
            defer { dnnl_primitive_desc_destroy(probe) }
            band.weightsDescriptor = dnnl_primitive_desc_query_md(probe, dnnl_query_weights_md, 0).pointee
            try DNNL.check(
                dnnl_memory_create(
                    &band.weights, &band.weightsDescriptor, DNNL.engine,
                    UnsafeMutableRawPointer(bitPattern: -1) /* DNNL_MEMORY_ALLOCATE */), "packed weights")

            var source: dnnl_memory_t?
            let elementSize = plainType == dnnl_s8 ? 1 : 4
            let base = UnsafeMutableRawPointer(mutating: weights + band.columns.lowerBound * inputSize * elementSize)
            try DNNL.check(dnnl_memory_create(&source, &plain, DNNL.engine, base), "weights memory")
            defer { dnnl_memory_destroy(source) }
            var reorderDescriptor: dnnl_primitive_desc_t?
            try DNNL.check(
                dnnl_reorder_primitive_desc_create(
                    &reorderDescriptor, &plain, DNNL.engine, &band.weightsDescriptor, DNNL.engine, nil),
                "reorder desc")
            defer { dnnl_primitive_desc_destroy(reorderDescriptor) }
            var reorder: dnnl_primitive_t?
            try DNNL.check(dnnl_primitive_create(&reorder, reorderDescriptor), "reorder")
            defer { dnnl_primitive_destroy(reorder) }
            var stream: dnnl_stream_t?
            try DNNL.check(dnnl_stream_create(&stream, DNNL.engine, dnnl_stream_default_flags.rawValue), "stream")
            defer { dnnl_stream_destroy(stream) }
            var arguments = [
                dnnl_exec_arg_t(arg: DNNL_ARG_FROM, memory: source),
                dnnl_exec_arg_t(arg: DNNL_ARG_TO, memory: band.weights),
            ]
            try DNNL.check(dnnl_primitive_execute(reorder, stream, 2, &arguments), "reorder execute")
            try DNNL.check(dnnl_stream_wait(stream), "stream wait")
        }

        /// src [rows, K] in `dataType` (row-major), dst [rows, band] float32 with row stride `outputSize`.
        private func makePrimitiveDescriptor(
            rows: Int, band: Band, weights: UnsafePointer<dnnl_memory_desc_t>?, accumulate: Bool
        ) throws -> dnnl_primitive_desc_t? {
            var source = dnnl_memory_desc_t()
            var destination = dnnl_memory_desc_t()
            var anyWeights = dnnl_memory_desc_t()
            let (m, k, n) = (dnnl_dim_t(rows), dnnl_dim_t(inputSize), dnnl_dim_t(band.columns.count))
            try DNNL.check(dnnl_memory_desc_init_by_tag(&source, 2, [m, k], dataType, dnnl_ab), "src desc")
            try DNNL.check(
                dnnl_memory_desc_init_by_tag(&destination, 2, [m, n], dnnl_f32, dnnl_ab), "dst desc")
            try DNNL.check(
                dnnl_memory_desc_init_by_tag(&anyWeights, 2, [k, n], dataType, dnnl_format_tag_any), "weights desc")
            var biasDescriptor = dnnl_memory_desc_t()
            try DNNL.check(dnnl_memory_desc_init_by_tag(&biasDescriptor, 2, [1, n], dnnl_f32, dnnl_ab), "bias desc")
            var descriptor = dnnl_matmul_desc_t()
            try withUnsafePointer(to: &biasDescriptor) { biasPointer in
                let biasArgument = bias == nil ? nil : biasPointer
                if let weights {
                    try DNNL.check(
                        dnnl_matmul_desc_init(&descriptor, &source, weights, biasArgument, &destination), "matmul desc")
                } else {
                    try DNNL.check(
                        dnnl_matmul_desc_init(&descriptor, &source, &anyWeights, biasArgument, &destination),
                        "matmul desc")
                }
            }

            var attributes: dnnl_primitive_attr_t?
            try DNNL.check(dnnl_primitive_attr_create(&attributes), "attr")
            defer { dnnl_primitive_attr_destroy(attributes) }
            // Scratch memory is passed per call, so concurrent callers never share it.
            try DNNL.check(
                dnnl_primitive_attr_set_scratchpad_mode(attributes, dnnl_scratchpad_mode_user), "scratchpad mode")
            if dataType == dnnl_s8 {
                let scales = Array(weightScales[band.columns])
                try DNNL.check(dnnl_primitive_attr_set_output_scales(attributes, n, 1 << 1, scales), "output scales")
            }
            if accumulate {
                var postOps: dnnl_post_ops_t?
                try DNNL.check(dnnl_post_ops_create(&postOps), "post ops")
                defer { dnnl_post_ops_destroy(postOps) }
                try DNNL.check(dnnl_post_ops_append_sum(postOps, 1), "sum post op")
                try DNNL.check(dnnl_primitive_attr_set_post_ops(attributes, postOps), "set post ops")
            }
            var primitiveDescriptor: dnnl_primitive_desc_t?
            try DNNL.check(
                dnnl_primitive_desc_create(&primitiveDescriptor, &descriptor, attributes, DNNL.engine, nil), "matmul pd"
            )
            return primitiveDescriptor
        }

        private func primitive(rows: Int, band index: Int, accumulate: Bool) throws -> Primitive {
            let key = PrimitiveKey(rows: rows, band: index, accumulate: accumulate)
            if let cached = primitives.withLock({ $0[key] }) { return cached }
            let band = bands[index]
            var packedLayout = band.weightsDescriptor
            let descriptor = try makePrimitiveDescriptor(
                rows: rows, band: band, weights: &packedLayout, accumulate: accumulate)
            defer { dnnl_primitive_desc_destroy(descriptor) }
            var primitive: dnnl_primitive_t?
            try DNNL.check(dnnl_primitive_create(&primitive, descriptor), "matmul primitive")
            let scratchpad = dnnl_primitive_desc_query_md(descriptor, dnnl_query_scratchpad_md, 0)
            let made = Primitive(
                primitive: primitive, scratchpadSize: scratchpad.map { dnnl_memory_desc_get_size($0) } ?? 0)
            return primitives.withLock { cache in
                if let existing = cache[key] { return existing }
                cache[key] = made
                return made
            }
        }

        var bandCount: Int { panels?.bands.count ?? widened?.bands.count ?? bands.count }

        /// `y[rows, out] (+)= x[rows, in] · Wᵀ`; `x` holds `dataType` elements.
        func apply(_ x: UnsafeRawPointer, rows: Int, into y: UnsafeMutablePointer<Float>, accumulate: Bool) {
            Parallel.forEach(bandCount) { _, index in
                apply(x, rows: rows, into: y, accumulate: accumulate, band: index)
            }
        }

        /// One band of the product, on the calling thread.
        func apply(_ x: UnsafeRawPointer, rows: Int, into y: UnsafeMutablePointer<Float>, accumulate: Bool, band: Int) {
            if let panels {
                return panels.apply(
                    x.assumingMemoryBound(to: Float.self), rows: rows, into: y, accumulate: accumulate, band: band)
            }
            DNNL.useOneThreadHere()
            do {
                try execute(x, rows: rows, into: y, accumulate: accumulate, band: band)
            } catch {
                fatalError("\(error)")  // shapes were validated at load; a failure here is a oneDNN bug
            }
        }

        /// oneDNN's brgemm kernels want a dense output; a band's columns of y are strided (row
        /// stride `outputSize`), so with several bands each writes a dense [rows, band] block that is
        /// then copied (or added) into its columns. Handing oneDNN the strided view instead made it
        /// fall back to its slower `gemm:jit` kernels.
        private func execute(
            _ x: UnsafeRawPointer, rows: Int, into y: UnsafeMutablePointer<Float>, accumulate: Bool, band index: Int
        ) throws {
            let band = bands[index]
            let width = band.columns.count
            guard bands.count > 1 else {
                return try execute(x, rows: rows, into: y, accumulate: accumulate, band: band, index: index)
            }
            let block = BufferPool.shared.take(rows * width)
            defer { BufferPool.shared.give(block) }
            try execute(x, rows: rows, into: block.pointer, accumulate: false, band: band, index: index)
            for row in 0..<rows {
                let (source, destination) = (
                    block.pointer + row * width, y + row * outputSize + band.columns.lowerBound
                )
                if accumulate {
                    for j in 0..<width { destination[j] += source[j] }
                } else {
                    destination.update(from: source, count: width)
                }
            }
        }

        /// Runs one band's primitive with a dense [rows, band] output `y`.
        func execute(
            _ x: UnsafeRawPointer, rows: Int, into y: UnsafeMutablePointer<Float>, accumulate: Bool, band: Band,
            index: Int
        ) throws {
            let primitive = try primitive(rows: rows, band: index, accumulate: accumulate)
            var source = dnnl_memory_desc_t()
            var destination = dnnl_memory_desc_t()
            let (m, k, n) = (dnnl_dim_t(rows), dnnl_dim_t(inputSize), dnnl_dim_t(band.columns.count))
            try DNNL.check(dnnl_memory_desc_init_by_tag(&source, 2, [m, k], dataType, dnnl_ab), "src desc")
            try DNNL.check(dnnl_memory_desc_init_by_tag(&destination, 2, [m, n], dnnl_f32, dnnl_ab), "dst desc")
            var sourceMemory: dnnl_memory_t?
            var destinationMemory: dnnl_memory_t?
            var scratchpadMemory: dnnl_memory_t?
            try DNNL.check(
                dnnl_memory_create(&sourceMemory, &source, DNNL.engine, UnsafeMutableRawPointer(mutating: x)), "src")
            defer { dnnl_memory_destroy(sourceMemory) }
            try DNNL.check(
                dnnl_memory_create(&destinationMemory, &destination, DNNL.engine, y), "dst")
            defer { dnnl_memory_destroy(destinationMemory) }
            let scratchBuffer = BufferPool.shared.take(primitive.scratchpadSize / 4 + 16)
            defer { BufferPool.shared.give(scratchBuffer) }
            let scratch = UnsafeMutableRawPointer(scratchBuffer.pointer)
            var arguments = [
                dnnl_exec_arg_t(arg: DNNL_ARG_SRC, memory: sourceMemory),
                dnnl_exec_arg_t(arg: DNNL_ARG_WEIGHTS, memory: band.weights),
                dnnl_exec_arg_t(arg: DNNL_ARG_DST, memory: destinationMemory),
            ]
            var biasMemory: dnnl_memory_t?
            if let bias {
                var biasDescriptor = dnnl_memory_desc_t()
                try DNNL.check(
                    dnnl_memory_desc_init_by_tag(&biasDescriptor, 2, [1, n], dnnl_f32, dnnl_ab), "bias desc")
                let pointer = UnsafeMutableRawPointer(mutating: bias.pointer + band.columns.lowerBound)
                try DNNL.check(dnnl_memory_create(&biasMemory, &biasDescriptor, DNNL.engine, pointer), "bias")
                arguments.append(dnnl_exec_arg_t(arg: DNNL_ARG_BIAS, memory: biasMemory))
            }
            defer { if let biasMemory { dnnl_memory_destroy(biasMemory) } }
            if primitive.scratchpadSize > 0 {
                var scratchDescriptor = dnnl_memory_desc_t()
                try DNNL.check(
                    dnnl_memory_desc_init_by_tag(
                        &scratchDescriptor, 1, [dnnl_dim_t(primitive.scratchpadSize)], dnnl_u8, dnnl_a),
                    "scratch desc")
                try DNNL.check(
                    dnnl_memory_create(&scratchpadMemory, &scratchDescriptor, DNNL.engine, scratch), "scratch")
                arguments.append(dnnl_exec_arg_t(arg: DNNL_ARG_SCRATCHPAD, memory: scratchpadMemory))
            }
            defer { if let scratchpadMemory { dnnl_memory_destroy(scratchpadMemory) } }
            let stream = try DNNL.takeStream()
            defer { DNNL.giveStream(stream) }
            try DNNL.check(
                dnnl_primitive_execute(primitive.primitive, stream, Int32(arguments.count), &arguments), "execute")
            try DNNL.check(dnnl_stream_wait(stream), "wait")
        }
    }
#else
    /// Without oneDNN every product goes through OpenBLAS; this type is never instantiated.
    final class PackedLinear: Sendable {
        static var isAvailable: Bool { false }
        var precision: CLIPPrecision { .float32 }
        var outliers: (columns: OutlierColumns, weights: Tensor)? { nil }
        init(weight: Tensor, bias: Tensor?, precision: CLIPPrecision, outliers: OutlierColumns? = nil) throws {
            fatalError("oneDNN is not available")
        }
        var bandCount: Int { 0 }
        func applyInt8(
            _ x: MatrixInput.Int8Rows, rows: Int, bias: UnsafePointer<Float>?, into y: UnsafeMutablePointer<Float>,
            accumulate: Bool, band index: Int
        ) {}
        func apply(_ x: UnsafeRawPointer, rows: Int, into y: UnsafeMutablePointer<Float>, accumulate: Bool) {}
        func apply(_ x: UnsafeRawPointer, rows: Int, into y: UnsafeMutablePointer<Float>, accumulate: Bool, band: Int) {
        }
    }
#endif
