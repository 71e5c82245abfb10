import App
import ArgumentParser
import Runtime

struct DoctorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "List what is installed and what is missing: libvips and its formats, ffmpeg, the CLIP model.")

    func run() async throws {
        let findings = try await Doctor.examine(environment: AppConfiguration.processEnvironment())
        for finding in findings {
            print("\(finding.ok ? "ok     " : "missing") \(finding.area): \(finding.detail)")
        }
        if findings.contains(where: { $0.required && !$0.ok }) { throw ExitCode(1) }
    }
}
