/// What a requested precision runs as on this machine: each tower's arithmetic, its kernels and,
/// where the request is not honoured as asked, why. A reduced precision that would be slower than
/// float32 on this tier is not used there: the faster one is, and `notes` says so.
public struct CLIPKernelPlan: Sendable {
    public let requested: CLIPPrecision
    public let path: CPUPath
    public let image: CLIPPrecision
    public let text: CLIPPrecision
    public let notes: [String]

    public init(requested: CLIPPrecision, path: CPUPath = .effective) {
        self.init(requested: requested, path: path, hasOneDNN: PackedLinear.isAvailable)
    }

    init(requested: CLIPPrecision, path: CPUPath, hasOneDNN: Bool) {
        self.requested = requested
        self.path = path
        guard hasOneDNN else {
            (image, text) = (.float32, .float32)
            notes =
                requested == .float32
                ? ["oneDNN is not installed: float32 through OpenBLAS, weights repacked on every product"]
                : ["oneDNN is not installed: \(requested.rawValue) needs it, so float32 through OpenBLAS runs"]
            return
        }
        switch requested {
        case .float32:
            (image, text, notes) = (.float32, .float32, [])
        case .bfloat16 where path >= .avx512BF16:
            (image, text, notes) = (.bfloat16, .bfloat16, [])
        case .bfloat16:
            (image, text) = (.float32, .float32)
            notes = [
                "no native bfloat16 at \(path) (needs AVX-512 BF16): emulated it is slower than float32, which runs"
            ]
        case .int8 where path >= .avx2:
            (image, text, notes) = (.int8, .int8, [])
        case .int8:
            (image, text) = (.int8, .float32)
            notes = [
                "text queries run float32 at \(path): below AVX2, oneDNN's int8 kernels repack the weights on every "
                    + "product, which for a query's ~16 rows costs more than float32 saves (43 ms against 20 where "
                    + "they were measured, at AVX2)"
            ]
        }
    }

    /// The kernels a precision's products run on at this tier.
    public static func kernels(for precision: CLIPPrecision, path: CPUPath = .effective) -> String {
        guard PackedLinear.isAvailable else { return "OpenBLAS sgemm (repacks the weights on every product)" }
        switch precision {
        case .float32 where path >= .avx512:
            return "oneDNN brgemm, weights packed at load"
        case .float32 where path >= .avx2:
            return "afa's packed sgemm (AVX2 + FMA), weights packed at load"
        case .float32:
            return "oneDNN jit sgemm (repacks the weights on every product)"
        case .bfloat16:
            return path >= .avx512BF16 ? "oneDNN brgemm bf16 (vdpbf16ps), weights packed at load" : "none native"
        case .int8 where path.widensInt8:
            return "afa's widened int8 (vpmaddwd), weights packed at load, inputs quantised per row"
        case .int8 where path >= .avx2:
            return "oneDNN int8 (VNNI vpdpbusd), weights packed at load, inputs quantised per row"
        case .int8:
            return "oneDNN jit int8 gemm (pmaddubsw into int16: 7-bit weights so it cannot saturate)"
        }
    }
}

extension CLIPKernelPlan {
    /// What `afa model inspect` and `afa doctor` print: the CPU, the tier and, per precision, what runs.
    public static func report(path: CPUPath = .effective) -> [String] {
        let (features, model) = CPUFeatures.host
        var lines = [
            "cpu:          \(model): \(features.names.joined(separator: " "))",
            "kernels:      \(path)"
                + (path < CPUPath.best(for: features)
                    ? " (lowered by ONEDNN_MAX_CPU_ISA from \(CPUPath.best(for: features)))" : ""),
        ]
        for precision in CLIPPrecision.allCases {
            let plan = CLIPKernelPlan(requested: precision, path: path)
            let runsAs =
                plan.image == plan.text
                ? plan.image.rawValue : "images \(plan.image.rawValue), text \(plan.text.rawValue)"
            let label = "  \(precision.rawValue):".padding(toLength: 14, withPad: " ", startingAt: 0)
            lines.append(label + "\(runsAs): \(kernels(for: plan.image, path: path))")
            lines += plan.notes.map { String(repeating: " ", count: 16) + $0 }
        }
        return lines
    }
}
