import Foundation

/// `.afa-model.json`, written last into a downloaded folder: its presence says every required file arrived and was
/// verified, and it records where they came from.
struct ModelManifest: Codable, Sendable, Equatable {
    static let fileName = ".afa-model.json"

    struct Entry: Codable, Sendable, Equatable {
        var name: String
        var bytes: Int64
    }

    var repository: String
    var revision: String
    var endpoint: String
    var files: [Entry]
    var completedAt: Date

    static func read(in folder: URL) -> ModelManifest? {
        guard let data = try? Data(contentsOf: folder.appendingPathComponent(fileName)) else { return nil }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try? decoder.decode(ModelManifest.self, from: data)
    }

    /// Written to a temporary name and renamed, so a crash never leaves a half-written marker.
    func write(in folder: URL) throws {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let target = folder.appendingPathComponent(Self.fileName)
        do {
            try encoder.encode(self).write(to: target, options: .atomic)
        } catch {
            throw ModelHubError.fileSystem(path: target.path, reason: "\(error)")
        }
    }
}
