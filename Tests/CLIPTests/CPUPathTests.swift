import Foundation
import Testing

@testable import CLIP

/// Which kernels a CPU gets, from the flags its kernel reports.
@Suite struct CPUPathTests {
    static let zen3 = "fpu sse4_1 sse4_2 avx avx2 fma bmi2 sha_ni"
    static let zen4 = zen3 + " avx512f avx512dq avx512bw avx512vl avx512_vnni avx512_bf16"
    static let alderLake = zen3 + " avx_vnni"
    static let sapphireRapids = zen4 + " amx_bf16 amx_tile amx_int8"

    @Test func eachCPUGetsItsHighestTier() {
        func best(_ flags: String) -> CPUPath { .best(for: CPUFeatures(cpuinfoFlags: Substring(flags))) }
        #expect(best("fpu sse4_1 sse4_2 avx") == .baseline)
        #expect(best(Self.zen3) == .avx2)
        #expect(best(Self.alderLake) == .avx2VNNI)
        #expect(best(Self.zen3 + " avx512f avx512bw avx512vl") == .avx512)
        #expect(best(Self.zen4) == .avx512BF16)
        #expect(best(Self.sapphireRapids) == .amx)
        #expect(CPUFeatures(cpuinfoFlags: Substring(Self.zen3)).names == ["AVX2", "FMA"])
    }

    @Test func tiersRoundTripThroughTheirNames() {
        for path in CPUPath.allCases { #expect(CPUPath(name: path.description) == path) }
        #expect(CPUPath(name: "AVX2") == .avx2)
        #expect(CPUPath(name: "sse2") == nil)
        #expect(CPUPath.avx2.environment == ["ONEDNN_MAX_CPU_ISA": "AVX2", "OPENBLAS_CORETYPE": "Haswell"])
    }

    /// `make test` runs the precision suites a second time with the kernels lowered to AVX2 and
    /// names the tier it asked for: the kernels must really run there, or that run proves nothing.
    @Test func kernelsRunAtTheTierTheEnvironmentAsksFor() throws {
        let host = CPUPath.best(for: CPUFeatures.host.features)
        #expect(CPUPath.available.last == host)
        guard let expected = ProcessInfo.processInfo.environment["AFA_TEST_EXPECT_CPU_PATH"] else {
            #expect(CPUPath.effective == host)
            return
        }
        #expect(CPUPath.effective.description == expected)
    }

    @Test func aReducedPrecisionSlowerThanFloat32IsNotUsed() {
        let bfloat16 = CLIPKernelPlan(requested: .bfloat16, path: .avx2, hasOneDNN: true)
        #expect(bfloat16.image == .float32 && bfloat16.text == .float32)
        #expect(bfloat16.notes.first?.contains("no native bfloat16") == true)
        #expect(CLIPKernelPlan(requested: .bfloat16, path: .avx512BF16, hasOneDNN: true).image == .bfloat16)
        let int8 = CLIPKernelPlan(requested: .int8, path: .avx512VNNI, hasOneDNN: true)
        #expect(int8.image == .int8 && int8.text == .int8 && int8.notes.isEmpty)
        let avx2 = CLIPKernelPlan(requested: .int8, path: .avx2, hasOneDNN: true)
        #expect(avx2.image == .int8 && avx2.text == .int8)
        let old = CLIPKernelPlan(requested: .int8, path: .baseline, hasOneDNN: true)
        #expect(old.image == .int8 && old.text == .float32 && old.notes.first?.contains("text queries") == true)
        let withoutOneDNN = CLIPKernelPlan(requested: .int8, path: .avx512VNNI, hasOneDNN: false)
        #expect(withoutOneDNN.image == .float32 && withoutOneDNN.notes.first?.contains("oneDNN") == true)
    }
}
