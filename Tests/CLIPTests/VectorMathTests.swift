import Foundation
import Testing

@testable import CLIP

/// The element-wise kernels against libm.
@Suite struct VectorMathTests {
    static let samples = stride(from: -12.0, through: 12.0, by: 0.001).map { Float($0) }

    @Test func expMatchesLibm() {
        for x in Self.samples + [-80, -50, 40, 80] {
            let expected = Foundation.exp(Double(x))
            #expect(abs(Double(VectorMath.exp(x)) - expected) <= 3e-7 * expected, "exp(\(x))")
        }
    }

    @Test func activationsMatchTheirDefinitions() {
        for x in Self.samples {
            let v = Double(x)
            let quick = v / (1 + Foundation.exp(-1.702 * v))
            let exact = 0.5 * v * (1 + Foundation.erf(v / 2.0.squareRoot()))
            #expect(abs(Double(CLIPActivation.quickGELU(x)) - quick) <= 1e-5 * max(1, abs(quick)))
            #expect(abs(Double(CLIPActivation.gelu(x)) - exact) <= 1e-5 * max(1, abs(exact)))
        }
    }

    @Test func bfloat16RoundsToNearestEven() {
        #expect(bfloat16Bits(1.0) == 0x3F80)
        #expect(bfloat16Bits(Float(bitPattern: 0x3F80_8000)) == 0x3F80)  // tie, even stays
        #expect(bfloat16Bits(Float(bitPattern: 0x3F81_8000)) == 0x3F82)  // tie, odd rounds up
        #expect(bfloat16Bits(Float(bitPattern: 0x3F80_8001)) == 0x3F81)
    }

    @Test func geluConfigurationParses() throws {
        let directory = try CheckpointErrorTests.copyOfTiny()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("config.json")
        let config = try String(contentsOf: url, encoding: .utf8)
        try config.replacingOccurrences(of: "\"quick_gelu\"", with: "\"gelu\"").write(
            to: url, atomically: true, encoding: .utf8)
        let configuration = try CLIPConfiguration(contentsOf: url)
        #expect(configuration.vision.encoder.activation == .gelu && configuration.text.encoder.activation == .gelu)
        #expect(configuration == CLIPPreset.tiny.configuration.with(activation: .gelu))
    }
}

extension CLIPConfiguration {
    fileprivate func with(activation: CLIPActivation) -> CLIPConfiguration {
        var copy = self
        copy.text.encoder.activation = activation
        copy.vision.encoder.activation = activation
        return copy
    }
}
