import Catalog
import Foundation
import PostgresNIO
import Schema
import Testing

@testable import TestSupport

/// The scanner accepts at ingest exactly what PostgreSQL's `jsonb` will hold later: checked
/// against the server itself, so a PostgreSQL upgrade that moved a limit would show here.
@Suite struct JSONLimitsTests {
    static let documents = [
        #"{"n":1e400}"#, #"{"n":1e131071}"#, #"{"n":1e131072}"#, #"{"n":0.001e131074}"#, #"{"n":0.001e131075}"#,
        #"{"n":12345e131067}"#, #"{"n":12345e131068}"#, #"{"n":1e-16383}"#, #"{"n":1e-16384}"#,
        #"{"n":1.5e-16383}"#, #"{"n":0.5e-16382}"#, #"{"n":0e200000}"#, #"{"n":0e-20000}"#, #"{"n":-0.0e-16383}"#,
        #"{"n":1e99999999999999999999}"#, #"{"s":"\u0000"}"#, #"{"s":"\ud800"}"#, #"{"s":"\udc00"}"#,
        #"{"s":"\ud83d\ude00"}"#, #"{"s":"\u0001"}"#,
    ]

    @Test func theScannerAndJSONBAgree() async throws {
        try await withCatalog { catalog, _ in
            for document in Self.documents {
                let scanned = (try? JSONScanner.scan(Array(document.utf8))) != nil
                var stored = true
                do {
                    try await catalog.client.query("SELECT \(document)::jsonb", logger: TestCluster.logger)
                } catch {
                    stored = false
                }
                #expect(scanned == stored, "\(document): scanner \(scanned), jsonb \(stored)")
            }
        }
    }
}
