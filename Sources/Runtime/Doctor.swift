import App
import CLIP
import Foundation
import Imaging
import Jobs
import Processing
import Subprocesses

/// `afa doctor`: what this installation has and lacks for each capability, with what to do.
/// Nothing is loaded or changed; the model is found the way the workers find it.
public enum Doctor {
    public struct Finding: Sendable {
        public let area: String
        public let ok: Bool
        public let detail: String
        /// A missing part the service cannot do without (the rest degrade).
        public let required: Bool
    }

    public static func examine(environment: [String: String]) async throws -> [Finding] {
        let configuration = try AppConfiguration(environment: environment)
        var findings: [Finding] = []
        do {
            let formats = try ImageRenderer.readableFormats()
            findings.append(
                Finding(
                    area: "libvips", ok: true, detail: "\(ImageRenderer.libraryVersion)", required: true))
            for (format, readable) in formats {
                findings.append(
                    Finding(
                        area: "  \(format)", ok: readable,
                        detail: readable ? "decoded" : "not in this libvips build: such uploads fail their media stage",
                        required: false))
            }
        } catch {
            findings.append(Finding(area: "libvips", ok: false, detail: "\(error)", required: true))
        }
        for tool in ["ffprobe", "ffmpeg"] {
            findings.append(await toolFinding(tool))
        }
        let compute = ComputePool(threads: 1)
        let model = EmbeddingModel(configuration.embedding, compute: compute)
        switch model.availability {
        case .ready(let folder):
            findings.append(
                Finding(
                    area: "CLIP model", ok: true,
                    detail: "\(model.id) (\(folder.path)), \(configuration.embedding.precision), "
                        + "loaded on first use, let go after \(configuration.embedding.idleUnload) idle",
                    required: false))
        case .missing(let reason, let folder, let files):
            let place = folder.map { " Looked in \($0.path), which lacks \(files.joined(separator: ", "))." } ?? ""
            findings.append(
                Finding(
                    area: "CLIP model", ok: false,
                    detail: "\(reason).\(place) Until then: embeddings and tags are skipped, all else works",
                    required: false))
        }
        findings.append(kernelFinding(model.precision))
        try await compute.shutdown()
        return findings
    }

    /// Which CLIP kernels this CPU gets for the configured precision, and why where it differs.
    private static func kernelFinding(_ precision: CLIPPrecision) -> Finding {
        let plan = CLIPKernelPlan(requested: precision)
        let runsAs =
            plan.image == plan.text ? plan.image.rawValue : "images \(plan.image.rawValue), text \(plan.text.rawValue)"
        return Finding(
            area: "CLIP kernels", ok: true,
            detail: "\(plan.path) on \(CPUFeatures.host.model): \(precision.rawValue) runs as \(runsAs) "
                + "(\(CLIPKernelPlan.kernels(for: plan.image, path: plan.path)))"
                + plan.notes.map { "; \($0)" }.joined(),
            required: false)
    }

    private static func toolFinding(_ tool: String) async -> Finding {
        do {
            let output = try await SubprocessRunner(timeout: .seconds(30)).check([tool, "-hide_banner", "-version"])
            let version = output.split(whereSeparator: \.isNewline).first.map(String.init) ?? tool
            return Finding(area: tool, ok: true, detail: version, required: true)
        } catch {
            return Finding(
                area: tool, ok: false, detail: "not found: videos cannot be processed (apt-get install ffmpeg)",
                required: true)
        }
    }
}
