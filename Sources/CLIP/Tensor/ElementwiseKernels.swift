import CKernels

/// The element-wise kernels of this process's tier (CKernels/elementwise.c): the vector width
/// Swift's baseline build cannot use, chosen with the matrix kernels' tier so that a lowered tier
/// (`ONEDNN_MAX_CPU_ISA`) measures all of the forward pass at that tier.
enum ElementwiseKernels {
    static let quickGELU = pick(afa_quick_gelu_avx512, afa_quick_gelu_avx2, afa_quick_gelu_baseline)
    static let softmax = pick(afa_softmax_avx512, afa_softmax_avx2, afa_softmax_baseline)
    static let quantizeRow = pick(afa_quantize_row_avx512, afa_quantize_row_avx2, afa_quantize_row_baseline)
    static let scaleRows = pick(afa_scale_rows_avx512, afa_scale_rows_avx2, afa_scale_rows_baseline)

    private static func pick<Kernel>(_ avx512: Kernel, _ avx2: Kernel, _ baseline: Kernel) -> Kernel {
        CPUPath.effective >= .avx512 ? avx512 : CPUPath.effective >= .avx2 ? avx2 : baseline
    }
}
