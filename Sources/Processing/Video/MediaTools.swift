import Foundation
import Jobs
import Subprocesses

/// ffprobe and ffmpeg, run as child processes with a time limit each: on timeout or when the
/// job is cancelled the whole process group is killed, and the job fails with the reason.
public struct MediaTools: Sendable {
    public var ffprobe: String
    public var ffmpeg: String
    public var timeout: Duration

    public init(ffprobe: String = "ffprobe", ffmpeg: String = "ffmpeg", timeout: Duration = .seconds(600)) {
        self.ffprobe = ffprobe
        self.ffmpeg = ffmpeg
        self.timeout = timeout
    }

    func probe(_ path: String) async throws -> VideoFacts {
        let output = try await run([
            ffprobe, "-v", "error", "-print_format", "json", "-show_format", "-show_streams", "--", path,
        ])
        return try VideoFacts.parse(output)
    }

    /// One decoding pass at low resolution: scene changes (`select` on the scene score) and
    /// black stretches (`blackdetect`), read from ffmpeg's log.
    func scenes(_ path: String) async throws -> (changes: [Double], black: [ClosedRange<Double>]) {
        let filter =
            "scale=160:-2,blackdetect=d=0.1:pix_th=0.10,select='gt(scene\\,\(Self.sceneThreshold))',showinfo"
        let output: SubprocessRunner.Output
        do {
            output = try await SubprocessRunner(timeout: timeout, outputLimit: Self.sceneLogLimit).run([
                ffmpeg, "-hide_banner", "-nostats", "-nostdin", "-i", path, "-an", "-sn", "-dn", "-vf", filter, "-f",
                "null", "-",
            ])
        } catch let error where !(error is SubprocessRunner.TimedOut || error is CancellationError) {
            // The log outgrew its limit (a line per cut: hundreds of thousands of them); another try
            // would decode the whole video again for the same result.
            throw UnprocessableContent("ffmpeg's scene analysis could not be read: \(error)")
        }
        guard output.succeeded else {
            throw UnprocessableContent("ffmpeg could not decode the video: \(Self.reason(output))")
        }
        return Self.parseScenes(output.standardError)
    }

    /// Writes the frame at `seconds` as a PNG at the video's own size (rotated as a player shows
    /// it) and returns the file; the caller reads and removes it.
    func frame(_ path: String, at seconds: Double, into directory: URL, name: String) async throws -> URL {
        let file = directory.appending(path: "\(name).png")
        let output = try await runner.run([
            ffmpeg, "-hide_banner", "-v", "error", "-nostdin", "-ss", String(format: "%.3f", seconds), "-i", path,
            "-frames:v", "1", "-an", "-f", "image2", "-c:v", "png", "-y", file.path,
        ])
        guard output.succeeded, FileManager.default.fileExists(atPath: file.path) else {
            throw UnprocessableContent(
                "ffmpeg could not take a frame at \(String(format: "%.2f", seconds)) s: \(Self.reason(output))")
        }
        return file
    }

    static let sceneThreshold = 0.3
    /// About 100,000 scene-change lines.
    static let sceneLogLimit = 32 << 20

    private var runner: SubprocessRunner { SubprocessRunner(timeout: timeout, outputLimit: 8 << 20) }

    private func run(_ command: [String]) async throws -> String {
        let output = try await runner.run(command)
        guard output.succeeded else {
            throw UnprocessableContent("\(command[0]) cannot read the file: \(Self.reason(output))")
        }
        return output.standardOutput
    }

    /// The tool's last words, which name the problem (`moov atom not found`).
    static func reason(_ output: SubprocessRunner.Output) -> String {
        let lines = output.standardError.split(whereSeparator: \.isNewline).map {
            $0.trimmingCharacters(in: .whitespaces)
        }
        let text = lines.suffix(2).joined(separator: "; ")
        return text.isEmpty ? "exit status \(output.exitCode.map(String.init) ?? "signal")" : String(text.prefix(500))
    }

    static func parseScenes(_ log: String) -> (changes: [Double], black: [ClosedRange<Double>]) {
        var changes: [Double] = []
        var black: [ClosedRange<Double>] = []
        for line in log.split(whereSeparator: \.isNewline) {
            if line.contains("Parsed_showinfo"), let time = value(after: "pts_time:", in: line) {
                changes.append(time)
            } else if line.contains("black_start:"), let start = value(after: "black_start:", in: line),
                let end = value(after: "black_end:", in: line), end >= start
            {
                black.append(start...end)
            }
        }
        return (changes, black)
    }

    private static func value(after label: String, in line: Substring) -> Double? {
        guard let range = line.range(of: label) else { return nil }
        let rest = line[range.upperBound...].drop { $0 == " " }
        return Double(rest.prefix { !$0.isWhitespace })
    }
}
