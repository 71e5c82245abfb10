import CLIP
import Catalog
import Foundation
import Imaging
import Jobs
import Processing
import Search

/// A typed query through the service's own search (`MediaSearch`): the text encoded by the CLIP
/// checkpoint in `E2E_MODEL` (a full-size ViT-B/32, e.g. `afa model random --like vit-b-32`), the
/// candidates read, the words looked up, fused, paged and described, as `GET /api/v1/search` does
/// minus HTTP. The synthetic vectors stand for the library, so the similarities mean nothing; the
/// time is the point. Each query once (encoded), then again (from the cache).
enum EndToEnd {
    /// The checkpoint's encoder, under the synthetic library's model id.
    struct LibraryEmbedder: QueryEmbedder {
        let base: CLIPQueryEmbedder
        var model: String { Synthetic.model }
        var unavailableReason: String? { base.unavailableReason }
        func embed(text: String) async throws -> [Float] { try await base.embed(text: text) }
        func embed(image: [UInt8]) async throws -> [Float] { try await base.embed(image: image) }
    }

    static func run(catalog: CatalogDatabase, folder: String, queries: Int, ef: Int) async throws {
        let model = EmbeddingModel.locate(
            spec: folder, modelDirectory: URL(filePath: NSTemporaryDirectory()), precision: .float32,
            idleUnload: .seconds(3600), compute: ComputePool())
        guard model.isReady else {
            report("e2e: no checkpoint at \(folder): \(model.missingReason ?? "")")
            return
        }
        var settings = MediaSearch.Settings()
        settings.tuning.efSearch = ef
        let embedder = LibraryEmbedder(base: CLIPQueryEmbedder(model: model, limits: ImageLimits()))
        let search = MediaSearch(catalog: catalog, embedder: embedder, settings: settings)
        let words = ["dog", "beach", "sunset", "birthday cake", "mountain lake", "red car", "cat on a sofa", "snow"]
        let texts = (0..<queries).map { "photo \($0) of a \(words[$0 % words.count]) in the evening" }
        func request(_ text: String) -> MediaSearchRequest {
            MediaSearchRequest(query: .text(text), scope: MediaSearchScope(owner: Synthetic.owner), limit: 10)
        }
        _ = try await search.search(request("warm-up: load the weights"))
        report("-- a typed query end to end (MediaSearch, ef_search \(ef), \(queries) queries) --")
        // The service's candidate read alone, right after the encoder has run (as it is in a typed
        // query): the encoder's weights pass through the CPU's caches, so the graph walk after it
        // is colder than in a loop of reads. What the service adds is measured against this.
        let load = loadAverage()
        var reads: [Double] = []
        for text in texts {
            let query = try await embedder.embed(text: "read after " + text)
            let start = ContinuousClock.now
            _ = try await catalog.mediaSearch.nearest(
                to: query, model: Synthetic.model, scope: MediaSearchScope(owner: Synthetic.owner), depth: 200,
                expected: .infinity, tuning: settings.tuning)
            let elapsed = start.duration(to: .now)
            reads.append(Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1000)
        }
        let sortedReads = reads.sorted()
        report(
            String(
                format: "the candidate read alone, after an encoding: p50 %.2f ms, p99 %.2f ms (load average %@)",
                percentile(sortedReads, 0.5), percentile(sortedReads, 0.99), load))
        for pass in ["encoded", "cached"] {
            let load = loadAverage()
            var timings: [SearchTiming] = []
            for text in texts { timings.append(try await search.search(request(text)).timing) }
            func line(_ name: String, _ values: [Double]) -> String {
                let sorted = values.sorted()
                return String(
                    format: "%@ p50 %.2f ms, p99 %.2f ms", name, percentile(sorted, 0.5), percentile(sorted, 0.99))
            }
            report(
                "\(pass): "
                    + [
                        line("total", timings.map(\.total)), line("encode", timings.map(\.encode)),
                        line("vector (with the cut-off)", timings.map(\.vector)), line("words", timings.map(\.text)),
                        line("fusion", timings.map(\.fusion)),
                        // Waiting for the words (asked for at the start) and describing the page.
                        line("the rest", timings.map { $0.total - $0.encode - $0.vector - $0.fusion }),
                    ].joined(separator: "; ") + " (load average \(load))")
        }
    }
}
