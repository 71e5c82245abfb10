import Foundation

/// The instruction sets of this CPU that the kernels choose between.
///
/// Read once from `/proc/cpuinfo`: the kernel lists only what it enabled, so a CPU whose AVX-512
/// state the OS does not save shows no AVX-512 here, which is what the kernels must go by.
public struct CPUFeatures: OptionSet, Sendable, Hashable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    public static let avx2 = CPUFeatures(rawValue: 1 << 0)
    public static let fma = CPUFeatures(rawValue: 1 << 1)
    public static let avx512F = CPUFeatures(rawValue: 1 << 2)
    public static let avx512BW = CPUFeatures(rawValue: 1 << 3)
    public static let avx512VL = CPUFeatures(rawValue: 1 << 4)
    public static let avx512VNNI = CPUFeatures(rawValue: 1 << 5)
    public static let avx512BF16 = CPUFeatures(rawValue: 1 << 6)
    /// VEX-encoded VNNI (Alder Lake and later client CPUs, Zen 5) without AVX-512.
    public static let avxVNNI = CPUFeatures(rawValue: 1 << 7)
    public static let amxTile = CPUFeatures(rawValue: 1 << 8)
    public static let amxInt8 = CPUFeatures(rawValue: 1 << 9)
    public static let amxBF16 = CPUFeatures(rawValue: 1 << 10)

    /// `/proc/cpuinfo` flag for each feature, in the order they are printed.
    static let flags: [(CPUFeatures, flag: String, name: String)] = [
        (.avx2, "avx2", "AVX2"), (.fma, "fma", "FMA"), (.avx512F, "avx512f", "AVX-512F"),
        (.avx512BW, "avx512bw", "AVX-512BW"), (.avx512VL, "avx512vl", "AVX-512VL"),
        (.avx512VNNI, "avx512_vnni", "AVX-512 VNNI"), (.avx512BF16, "avx512_bf16", "AVX-512 BF16"),
        (.avxVNNI, "avx_vnni", "AVX-VNNI"), (.amxTile, "amx_tile", "AMX"), (.amxInt8, "amx_int8", "AMX-INT8"),
        (.amxBF16, "amx_bf16", "AMX-BF16"),
    ]

    /// The features named by a `flags` line of `/proc/cpuinfo`.
    init(cpuinfoFlags line: Substring) {
        let present = Set(line.split(separator: " "))
        self = Self.flags.reduce(into: []) { features, entry in
            if present.contains(Substring(entry.flag)) { features.insert(entry.0) }
        }
    }

    /// This machine's features and its CPU's model name.
    public static let host: (features: CPUFeatures, model: String) = {
        guard let cpuinfo = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) else {
            return ([], "unknown")
        }
        func field(_ name: String) -> Substring? {
            cpuinfo.split(separator: "\n").first { $0.hasPrefix(name) }
                .flatMap { $0.split(separator: ":", maxSplits: 1).last }
                .map { $0.drop(while: { $0 == " " || $0 == "\t" }) }
        }
        return (CPUFeatures(cpuinfoFlags: field("flags") ?? ""), field("model name").map(String.init) ?? "unknown")
    }()

    /// The names of the features present, e.g. `AVX2 FMA AVX-512F …`.
    public var names: [String] { Self.flags.filter { contains($0.0) }.map(\.name) }
}
