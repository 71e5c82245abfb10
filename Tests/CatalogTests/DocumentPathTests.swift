import Foundation
import Testing

@testable import Catalog

/// How a search hit names where its value is, and the cursor a client sends back.
@Suite struct DocumentPathTests {
    @Test func pathsReadAsJavaScriptWouldWriteThem() {
        #expect(DocumentPath.text(DocumentPath.steps(#"["customer", "name"]"#)) == "customer.name")
        #expect(DocumentPath.text(DocumentPath.steps(#"["items", 2, "title"]"#)) == "items[2].title")
        #expect(DocumentPath.text([.key("customer"), .key("first name")]) == #"customer["first name"]"#)
        #expect(DocumentPath.text([.key("a.b"), .key("_x9")]) == #"["a.b"]._x9"#)
        #expect(DocumentPath.text([.key("1st"), .key(""), .key("straße")]) == #"["1st"][""]["straße"]"#)
        #expect(DocumentPath.text([.key(#"say "hi"\"#)]) == #"["say \"hi\"\\"]"#)
        #expect(DocumentPath.text([.index(0), .index(3)]) == "[0][3]")
        #expect(DocumentPath.text([]) == "")
    }

    @Test func cursorsRoundTripExactly() {
        let id = UUID()
        for rank in [0, 1e-20, 0.060_792_710_632_085_8, 0.1, 1.0 / 3.0, 1e30] {
            let cursor = DocumentSearchCursor(rank: rank, documentID: id)
            #expect(DocumentSearchCursor(token: cursor.token) == cursor)
            #expect(!cursor.token.contains { "+/=".contains($0) })
        }
        for token in ["", "x", "Zm9v", Data("7ff0000000000000:\(id)".utf8).base64EncodedString()] {
            #expect(DocumentSearchCursor(token: token) == nil, "\(token)")
        }
    }
}
