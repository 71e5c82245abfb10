import Multipart
import NIOCore
import Testing

@Suite("MultipartParser rejections")
struct MultipartParserRejectionTests {
    @Test func bareLineFeedsAreRefused() throws {
        let body = Array(
            "--\(boundary.value)\nContent-Disposition: form-data; name=a\n\nx\n--\(boundary.value)--\n".utf8)
        #expect(throws: MultipartError.malformedDelimiter(part: 0)) { try parse(body) }
    }

    @Test func boundaryFollowedByJunkIsRefused() throws {
        let body = encode([Part(name: "a", body: Array("x\r\n--\(boundary.value)X".utf8))])
        #expect(throws: MultipartError.malformedDelimiter(part: 1)) { try parse(body) }
    }

    @Test func missingContentDispositionAndName() throws {
        let noDisposition = Array(
            "--\(boundary.value)\r\nContent-Type: text/plain\r\n\r\nx\r\n--\(boundary.value)--".utf8)
        #expect(throws: MultipartError.missingContentDisposition(part: 1)) { try parse(noDisposition) }
        let emptyBlock = Array("--\(boundary.value)\r\n\r\nx\r\n--\(boundary.value)--".utf8)
        #expect(throws: MultipartError.missingContentDisposition(part: 1)) { try parse(emptyBlock) }
        var third = encode([Part(name: "a", body: []), Part(name: "b", body: [])])
        third.removeLast(("--\(boundary.value)--\r\n").utf8.count)
        third += Array(
            "--\(boundary.value)\r\nContent-Disposition: form-data; filename=\"x\"\r\n\r\n\r\n--\(boundary.value)--"
                .utf8)
        #expect(throws: MultipartError.missingName(part: 3)) { try parse(third) }
        #expect(MultipartError.missingName(part: 3).description == "part 3 has no Content-Disposition name")
    }

    @Test func headerLimits() throws {
        let big = String(repeating: "a", count: 17 * 1024)
        let tooLarge = Array("--\(boundary.value)\r\nX-Big: \(big)\r\n\r\n".utf8)
        #expect(throws: MultipartError.headerBlockTooLarge(part: 1, limit: 16 * 1024)) {
            try parse(tooLarge, chunkSizes: { _ in 1000 })
        }
        let many = (0..<33).map { "X-H\($0): v\r\n" }.joined()
        let tooMany = Array("--\(boundary.value)\r\n\(many)Content-Disposition: form-data; name=a\r\n\r\n".utf8)
        #expect(throws: MultipartError.tooManyHeaders(part: 1, limit: 32)) { try parse(tooMany) }
        let parts = (0..<4).map { Part(name: "p\($0)", body: []) }
        #expect(throws: MultipartError.tooManyParts(limit: 3)) {
            try parse(encode(parts), limits: .init(maxParts: 3))
        }
    }

    @Test func headerBlockLimitCountsTheBlankLine() throws {
        let disposition = "Content-Disposition: form-data; name=a\r\n"
        let exact = disposition.utf8.count + 2  // the header line and the blank line
        let body = Array("--\(boundary.value)\r\n\(disposition)\r\nv\r\n--\(boundary.value)--".utf8)
        #expect(try parse(body, limits: .init(maxHeaderBlockBytes: exact)) == [Part(name: "a", body: [118])])
        #expect(throws: MultipartError.headerBlockTooLarge(part: 1, limit: exact - 1)) {
            try parse(body, limits: .init(maxHeaderBlockBytes: exact - 1))
        }
    }

    @Test func malformedHeadersAreRefused() throws {
        for header in [
            "Content-Disposition : form-data; name=a", " folded: x", "Content-Disposition: form-data; name=\"a",
            "X: a\u{0}b", "Content-Disposition: attachment; name=a",
        ] {
            let body = Array("--\(boundary.value)\r\n\(header)\r\n\r\nx\r\n--\(boundary.value)--".utf8)
            #expect(throws: MultipartError.self) { try parse(body) }
        }
    }

    @Test func errorIsStickyAfterFailure() throws {
        var parser = MultipartParser(boundary: boundary)
        #expect(throws: MultipartError.malformedDelimiter(part: 0)) {
            try parser.feed(ByteBuffer(string: "--\(boundary.value)?"))
        }
        #expect(throws: MultipartError.malformedDelimiter(part: 0)) { try parser.feed(ByteBuffer(string: "\r\n")) }
        #expect(throws: MultipartError.malformedDelimiter(part: 0)) { try parser.finish() }
    }

    @Test func filenamesAreKeptRawIncludingUnicodeAndTraversal() throws {
        let headers = [
            "form-data; name=\"f\"; filename=\"../../etc/passwd\"",
            "form-data; name=\"f\"; filename=\"say \\\"hi\\\".jpg\"",
            "form-data; name=\"f\"; filename=\"C:\\photos\\cat.jpg\"",
            "form-data; name=\"f\"; filename=\"caf\u{e9}.jpg\"",
            "form-data; name=\"f\"; filename=\"fallback.jpg\"; filename*=UTF-8''%E2%9C%93%20ok.jpg",
            "form-data; name=\"f\"; filename=\"fallback.jpg\"; filename*=UTF-8''bad%00.jpg",
        ]
        let expected = [
            "../../etc/passwd", "say \"hi\".jpg", "C:\\photos\\cat.jpg", "café.jpg", "✓ ok.jpg", "fallback.jpg",
        ]
        for (header, filename) in zip(headers, expected) {
            let body = Array(
                "--\(boundary.value)\r\nContent-Disposition: \(header)\r\n\r\nx\r\n--\(boundary.value)--".utf8)
            #expect(try parse(body).first?.filename == filename)
        }
    }
}

@Suite("MultipartBoundary")
struct MultipartBoundaryTests {
    @Test func readsQuotedAndUnquotedBoundaries() throws {
        #expect(try MultipartBoundary(contentType: "multipart/form-data; boundary=abc123").value == "abc123")
        #expect(
            try MultipartBoundary(contentType: "Multipart/Form-Data; charset=utf-8; BOUNDARY=\"a b:c\"").value
                == "a b:c")
        let quoted = try MultipartBoundary(contentType: "multipart/form-data; boundary=\"---x---\"")
        let body = Array("-----x---\r\nContent-Disposition: form-data; name=q\r\n\r\nv\r\n-----x-----".utf8)
        #expect(try parse(body, parserBoundary: quoted) == [Part(name: "q", body: [118])])
    }

    @Test func refusesMissingOrInvalidBoundaries() {
        #expect(throws: MultipartError.missingBoundary) { try MultipartBoundary(contentType: "multipart/form-data") }
        #expect(throws: MultipartError.notMultipartFormData) {
            try MultipartBoundary(contentType: "text/plain; boundary=a")
        }
        #expect(throws: MultipartError.duplicateBoundary) {
            try MultipartBoundary(contentType: "multipart/form-data; boundary=a; boundary=b")
        }
        #expect(throws: MultipartError.malformedContentType) {
            try MultipartBoundary(contentType: "multipart/form-data; boundary=\"abc")
        }
        for invalid in ["", String(repeating: "b", count: 71), "ab\r\ncd", "trailing ", "semi;colon", "ünï"] {
            #expect(throws: MultipartError.self) { try MultipartBoundary(invalid) }
        }
        #expect(throws: Never.self) { try MultipartBoundary(String(repeating: "b", count: 70)) }
    }
}
