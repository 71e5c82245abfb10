import App
import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@testable import TestSupport

/// What the collection suites share: sending documents, waiting for a review's proposal,
/// deciding it, and reading every record back.
extension TestClientProtocol {
    @discardableResult
    func sendDocuments(
        _ documents: [String], collection: String?, key: String, expect: HTTPResponse.Status = .accepted
    )
        async throws -> TestResponse
    {
        let query =
            collection.map { "?collection=\($0.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)" } ?? ""
        let response = try await call(
            .post, "/api/v1/ingest\(query)", key: key, contentType: "application/json",
            body: ByteBuffer(string: "[" + documents.joined(separator: ",") + "]"))
        #expect(response.status == expect, "\(String(buffer: response.body).prefix(500))")
        return response
    }

    /// Waits until a review has counted `documents` documents in the collection: a proposal read
    /// before then may stand for the first batches only.
    func waitForReview(of collection: String, documents: Int, key: String) async throws {
        try await eventually("the review of \(documents) documents of \(collection)") {
            let detail = try await self.collection(collection, key: key)
            let reasons = ((detail["decision"] as? [String: Any])?["reasons"] as? [[String: Any]]) ?? []
            return reasons.contains { (($0["figures"] as? [String: Any])?["documents"] as? Int) == documents }
        }
    }

    /// The collection's open proposal once a review has made one (or made a new one, different
    /// from `other`).
    func openProposal(for collection: String, key: String, other: String? = nil) async throws -> [String: Any] {
        var found: [String: Any]?
        try await eventually("an open proposal for \(collection)") {
            let list = try await call(.get, "/api/v1/proposals?kind=schema&state=open", key: key).json()
            found = (list["proposals"] as? [[String: Any]])?.first {
                $0["collection"] as? String == collection && $0["id"] as? String != other
            }
            return found != nil
        }
        return found ?? [:]
    }

    func decide(
        _ proposal: [String: Any], _ decision: String, edits: String = "", key: String
    ) async throws
        -> [String: Any]
    {
        let id = proposal["id"] as? String ?? ""
        let response = try await call(
            .post, "/api/v1/proposals/\(id)/\(decision)", key: key, contentType: "application/json",
            body: ByteBuffer(string: edits))
        #expect(response.status == .ok, "\(String(buffer: response.body).prefix(500))")
        return try response.json()
    }

    func collection(_ name: String, key: String) async throws -> [String: Any] {
        try await call(.get, "/api/v1/collections/\(name)", key: key).json()
    }

    /// Every record of the collection matching `query`, page by page.
    func allRecords(
        _ name: String, query: String = "", key: String, limit: Int = 500
    ) async throws -> [(
        id: String, document: Any
    )] {
        var records: [(String, Any)] = []
        var cursor: String?
        repeat {
            var uri = "/api/v1/collections/\(name)/records?limit=\(limit)" + (query.isEmpty ? "" : "&" + query)
            if let cursor { uri += "&cursor=\(cursor)" }
            let response = try await call(.get, uri, key: key)
            #expect(response.status == .ok, "\(String(buffer: response.body).prefix(300))")
            let page = try response.json()
            for record in page["records"] as? [[String: Any]] ?? [] {
                records.append((record["system_id"] as? String ?? "", record["document"] ?? NSNull()))
            }
            cursor = page["next_cursor"] as? String
        } while cursor != nil
        return records
    }
}

/// JSON text as Foundation reads it, for looking into documents.
func parsedJSON(_ text: String) -> Any {
    (try? JSONSerialization.jsonObject(with: Data(text.utf8), options: .fragmentsAllowed)) ?? NSNull()
}

/// A document in one canonical spelling (sorted keys), for comparing documents by value.
func canonical(_ value: Any) -> String {
    let data = try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .fragmentsAllowed])
    return data.map { String(decoding: $0, as: UTF8.self) } ?? "?"
}

func canonical(_ text: String) -> String { canonical(parsedJSON(text)) }
