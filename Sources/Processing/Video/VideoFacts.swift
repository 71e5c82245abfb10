import Foundation
import Jobs

/// What ffprobe says of a video, as the API shows it (`metadata.video`).
public struct VideoFacts: Sendable, Codable, Equatable {
    public var durationSeconds: Double
    /// ffprobe's demuxer names (`mov,mp4,m4a,3gp,3g2,mj2`, `matroska,webm`).
    public var container: String
    public var videoCodec: String
    public var audioCodec: String?
    /// As a viewer shows it, after the rotation.
    public var width: Int
    public var height: Int
    public var frameRate: Double?
    /// Clockwise degrees a player turns the picture (0, 90, 180, 270).
    public var rotation: Int
    public var createdAt: String?

    enum CodingKeys: String, CodingKey {
        case durationSeconds = "duration_seconds", container, videoCodec = "video_codec", audioCodec = "audio_codec"
        case width, height, frameRate = "frame_rate", rotation, createdAt = "created_at"
    }

    /// Reads `ffprobe -print_format json -show_format -show_streams`.
    static func parse(_ json: String) throws -> VideoFacts {
        let probe: FFprobeOutput
        do {
            probe = try JSONDecoder().decode(FFprobeOutput.self, from: Data(json.utf8))
        } catch {
            throw UnprocessableContent("ffprobe's description could not be read")
        }
        guard let video = probe.streams?.first(where: { $0.codec_type == "video" && $0.disposition?.attached_pic != 1 })
        else { throw UnprocessableContent("the file has no video stream") }
        guard let width = video.width, let height = video.height, width > 0, height > 0 else {
            throw UnprocessableContent("the video stream has no picture size")
        }
        let duration = [probe.format?.duration, video.duration].compactMap { $0.flatMap(Double.init) }.first { $0 > 0 }
        guard let duration, duration.isFinite else {
            throw UnprocessableContent("the video has no duration")
        }
        let rotation = Self.rotation(of: video)
        return VideoFacts(
            durationSeconds: duration, container: probe.format?.format_name ?? "unknown",
            videoCodec: video.codec_name ?? "unknown",
            audioCodec: probe.streams?.first { $0.codec_type == "audio" }?.codec_name,
            width: rotation % 180 == 0 ? width : height, height: rotation % 180 == 0 ? height : width,
            frameRate: Self.rate(video.avg_frame_rate) ?? Self.rate(video.r_frame_rate), rotation: rotation,
            createdAt: probe.format?.tags?["creation_time"] ?? video.tags?["creation_time"])
    }

    /// The display matrix (newer files and ffmpeg) or the `rotate` tag (older ones). ffprobe gives
    /// the matrix's angle counter-clockwise; players turn the picture the other way.
    private static func rotation(of stream: FFprobeOutput.Stream) -> Int {
        let degrees: Double =
            stream.side_data_list?.compactMap(\.rotation).first.map { -$0 }
            ?? stream.tags?["rotate"].flatMap(Double.init) ?? 0
        // The tag is free text in the container: `1e300` or `nan` parse as numbers too.
        guard degrees.isFinite else { return 0 }
        let whole = Int(degrees.truncatingRemainder(dividingBy: 360).rounded())
        return (whole + 360) % 360
    }

    /// `30000/1001` → 29.97; `0/0` → nil.
    private static func rate(_ text: String?) -> Double? {
        guard let parts = text?.split(separator: "/"), parts.count == 2, let numerator = Double(parts[0]),
            let denominator = Double(parts[1]), denominator > 0, numerator > 0
        else { return nil }
        return (numerator / denominator * 1000).rounded() / 1000
    }
}

/// The parts of ffprobe's JSON the service reads; its field names as ffprobe writes them.
private struct FFprobeOutput: Decodable {
    struct Stream: Decodable {
        struct SideData: Decodable { let rotation: Double? }
        struct Disposition: Decodable { let attached_pic: Int? }
        let codec_type: String?
        let codec_name: String?
        let width: Int?
        let height: Int?
        let avg_frame_rate: String?
        let r_frame_rate: String?
        let duration: String?
        let tags: [String: String]?
        let side_data_list: [SideData]?
        let disposition: Disposition?
    }
    struct Format: Decodable {
        let format_name: String?
        let duration: String?
        let tags: [String: String]?
    }
    let streams: [Stream]?
    let format: Format?
}
