import ArgumentParser
import AsyncHTTPClient
import Foundation
import NIOCore
import WireTypes

/// `afa search "dog on a beach"`: the server's search, as a table or as its JSON.
struct SearchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search",
        abstract: "Search media by words, by an image file or by a stored object, and JSON documents by words.")

    @OptionGroup var client: ClientOptions
    @Argument(help: "What to look for (leave out with --image or --similar-to).") var query: String?
    @Option(help: "Search by this image file instead of words.") var image: String?
    @Option(name: .customLong("similar-to"), help: "Search for media like this object (its system_id).")
    var similarTo: String?
    @Option(help: "media, json or all.") var type: String?
    @Option(help: "image or video.") var kind: String?
    @Option(help: "Results per page (1…100).") var limit: Int = 10
    @Option(help: "relevance or date.") var sort: String?
    @Flag(name: .customLong("no-cutoff"), help: "Show weak matches too (cutoff=none).") var noCutoff = false
    @Flag(help: "Print the server's JSON response.") var json = false

    func run() async throws {
        let (base, key) = try client.resolve()
        var parameters: [(String, String)] = [("limit", String(limit))]
        if let query { parameters.append(("query", query)) }
        if let similarTo { parameters.append(("similar_to", similarTo)) }
        if let type { parameters.append(("type", type)) }
        if let kind { parameters.append(("kind", kind)) }
        if let sort { parameters.append(("sort", sort)) }
        if noCutoff { parameters.append(("cutoff", "none")) }
        var components = URLComponents(string: "\(base)/api/v1/search")
        components?.queryItems = parameters.map { URLQueryItem(name: $0.0, value: $0.1) }
        guard let url = components?.url?.absoluteString else { throw ValidationError("--server is not a URL: \(base)") }
        var request = HTTPClientRequest(url: url)
        request.headers.add(name: "Authorization", value: "Bearer \(key)")
        if let image {
            guard query == nil, similarTo == nil else { throw ValidationError("give words, --image or --similar-to") }
            let bytes = try Data(contentsOf: URL(filePath: image))
            request.method = .POST
            request.headers.add(name: "Content-Type", value: Self.mediaType(of: image))
            request.body = .bytes(ByteBuffer(bytes: bytes))
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(120))
        if json {
            let body = try await response.body.collect(upTo: 16 << 20)
            print(String(buffer: body))
            return
        }
        print(Self.table(try await decodeResponse(SearchResponse.self, response)))
    }

    static func mediaType(of path: String) -> String {
        switch URL(filePath: path).pathExtension.lowercased() {
        case "png": "image/png"
        case "webp": "image/webp"
        case "gif": "image/gif"
        case "tif", "tiff": "image/tiff"
        case "heic", "heif": "image/heif"
        default: "image/jpeg"
        }
    }

    /// score, kind, uri (or collection and path), tags (or snippet), matched signals, moment.
    static func table(_ response: SearchResponse) -> String {
        var lines = [["score", "sim", "kind", "uri", "tags", "matched", "moment"]]
        for result in response.results {
            let moment = result.moments?.first.map {
                String(format: "%.1f–%.1f s", $0.start_seconds, $0.end_seconds)
            }
            let similarity = result.similarity.map { String(format: "%.3f", $0) } ?? ""
            if result.type == "json" {
                lines.append([
                    String(format: "%.4f", result.score), "", "json",
                    "\(result.collection?.name ?? "")/\(result.id) \(result.path ?? "")", result.snippet ?? "",
                    result.matched.joined(separator: ","), "",
                ])
            } else {
                lines.append([
                    String(format: "%.4f", result.score), similarity, result.kind ?? "", result.uri ?? result.id,
                    (result.tags ?? []).prefix(3).joined(separator: ","), result.matched.joined(separator: ","),
                    moment ?? "",
                ])
            }
        }
        let widths = lines[0].indices.map { column in min(60, lines.map { $0[column].count }.max() ?? 0) }
        var text = lines.map { row in
            zip(row, widths).map { cell, width in
                let clipped = cell.count > width ? String(cell.prefix(width - 1)) + "…" : cell
                return clipped.padding(toLength: width, withPad: " ", startingAt: 0)
            }.joined(separator: "  ").trimmingCharacters(in: .whitespaces)
        }
        if response.results.isEmpty { text.append("(nothing matched)") }
        if let cutoff = response.cutoff, cutoff.applied, let floor = cutoff.similarity {
            text.append(String(format: "cut-off: CLIP similarity %.3f (%@)", floor, cutoff.method))
        }
        if let unavailable = response.unavailable {
            for (signal, reason) in unavailable.sorted(by: { $0.key < $1.key }) { text.append("\(signal): \(reason)") }
        }
        text.append(String(format: "%.1f ms", response.timing.total_ms))
        if let next = response.next_cursor { text.append("more: cursor \(next)") }
        return text.joined(separator: "\n")
    }
}
