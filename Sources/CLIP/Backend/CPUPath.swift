#if canImport(CDNNL)
    import CDNNL
#endif

/// The instruction-set tier the matrix kernels run at: what the CPU has, unless lowered on purpose.
///
/// The tier is chosen once per process, before the first kernel is compiled, by oneDNN's own
/// `ONEDNN_MAX_CPU_ISA` (and OpenBLAS's `OPENBLAS_CORETYPE`, read when the library loads). Both
/// are environment variables because neither library can change tier once running, so forcing a
/// lower tier (to measure the AVX2 path on an AVX-512 machine) means starting a process with
/// `environment`: `afa model bench --isa avx2` and `--compare` do that for you.
public enum CPUPath: Int, Sendable, CaseIterable, Comparable, CustomStringConvertible {
    /// Below AVX2: oneDNN's and OpenBLAS's older kernels, whatever they found.
    case baseline
    case avx2
    /// AVX2 with VEX-encoded VNNI (Alder Lake and later Intel client CPUs, Zen 5).
    case avx2VNNI
    case avx512
    case avx512VNNI
    case avx512BF16
    case amx

    public static func < (a: CPUPath, b: CPUPath) -> Bool { a.rawValue < b.rawValue }

    /// The name used by `--isa` and printed by `afa model inspect`.
    public var description: String {
        switch self {
        case .baseline: "baseline"
        case .avx2: "avx2"
        case .avx2VNNI: "avx2_vnni"
        case .avx512: "avx512_core"
        case .avx512VNNI: "avx512_core_vnni"
        case .avx512BF16: "avx512_core_bf16"
        case .amx: "avx512_core_amx"
        }
    }

    public init?(name: String) {
        guard let path = Self.allCases.first(where: { $0.description == name.lowercased() }) else { return nil }
        self = path
    }

    /// The highest tier `features` can run.
    public static func best(for features: CPUFeatures) -> CPUPath {
        let avx512: CPUFeatures = [.avx512F, .avx512BW, .avx512VL, .fma]
        if features.isSuperset(of: avx512) {
            if features.isSuperset(of: [.avx512VNNI, .avx512BF16, .amxTile, .amxInt8, .amxBF16]) { return .amx }
            if features.isSuperset(of: [.avx512VNNI, .avx512BF16]) { return .avx512BF16 }
            return features.contains(.avx512VNNI) ? .avx512VNNI : .avx512
        }
        if features.isSuperset(of: [.avx2, .fma]) { return features.contains(.avxVNNI) ? .avx2VNNI : .avx2 }
        return .baseline
    }

    /// Every tier this machine can be run at, lowest first: the host's own and the common ones
    /// below it that servers have (AVX2 without AVX-512 above all).
    public static var available: [CPUPath] {
        let host = best(for: CPUFeatures.host.features)
        let tiers: [CPUPath] = [.avx2, .avx512, .avx512VNNI, host]
        return Array(Set(tiers.filter { $0 <= host && $0 != .baseline })).sorted()
    }

    /// The tier the kernels of this process run at (lowered by `ONEDNN_MAX_CPU_ISA`, if set).
    public static let effective: CPUPath = {
        #if canImport(CDNNL)
            let isa = dnnl_get_effective_cpu_isa()
            return allCases.last { $0 != .baseline && $0.oneDNNISA.rawValue & ~isa.rawValue == 0 } ?? .baseline
        #else
            return best(for: CPUFeatures.host.features)
        #endif
    }()

    /// The environment that starts a process at this tier.
    public var environment: [String: String] {
        ["ONEDNN_MAX_CPU_ISA": oneDNNName, "OPENBLAS_CORETYPE": openBLASCore]
    }

    private var oneDNNName: String {
        switch self {
        case .baseline: "SSE41"
        case .avx2: "AVX2"
        case .avx2VNNI: "AVX2_VNNI"
        case .avx512: "AVX512_CORE"
        case .avx512VNNI: "AVX512_CORE_VNNI"
        case .avx512BF16: "AVX512_CORE_BF16"
        case .amx: "AVX512_CORE_AMX"
        }
    }

    /// OpenBLAS's kernels by CPU generation: Haswell's are its AVX2 + FMA ones (Zen uses them too).
    private var openBLASCore: String {
        switch self {
        case .baseline: "Nehalem"
        case .avx2, .avx2VNNI: "Haswell"
        case .avx512, .avx512VNNI: "SkylakeX"
        case .avx512BF16, .amx: "Cooperlake"
        }
    }

    #if canImport(CDNNL)
        var oneDNNISA: dnnl_cpu_isa_t {
            switch self {
            case .baseline: dnnl_cpu_isa_sse41
            case .avx2: dnnl_cpu_isa_avx2
            case .avx2VNNI: dnnl_cpu_isa_avx2_vnni
            case .avx512: dnnl_cpu_isa_avx512_core
            case .avx512VNNI: dnnl_cpu_isa_avx512_core_vnni
            case .avx512BF16: dnnl_cpu_isa_avx512_core_bf16
            case .amx: dnnl_cpu_isa_avx512_core_amx
            }
        }
    #endif

    /// Whether int8 products run afa's widened kernel (`WidenedInt8Weights`) rather than oneDNN's:
    /// from AVX2 up to AVX-512 without VNNI. There oneDNN 2.6 multiplies int8 with `vpmaddubsw`,
    /// which saturates unless the weights keep 7 bits, and at AVX2 repacks the weights on every
    /// call. AVX-VNNI without AVX-512 (`avx2_vnni`) is here too: oneDNN 2.6's
    /// kernels for it could not be measured on this project's machines.
    var widensInt8: Bool { self >= .avx2 && self < .avx512VNNI }
}
