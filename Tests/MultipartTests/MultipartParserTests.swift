import Multipart
import NIOCore
import Testing

/// A part as the client sent it, and as the parser must hand it back.
struct Part: Equatable {
    var name: String
    var filename: String? = nil
    var contentType: String? = nil
    var body: [UInt8]
}

/// Deterministic RNG (SplitMix64) so that a failing chunking can be replayed.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

let boundary = try! MultipartBoundary("----afaBoundary1234")

func encode(_ parts: [Part], preamble: String = "", epilogue: String = "") -> [UInt8] {
    var bytes = Array(preamble.utf8)
    if !preamble.isEmpty { bytes += Array("\r\n".utf8) }
    for part in parts {
        var disposition = "form-data; name=\"\(part.name)\""
        if let filename = part.filename { disposition += "; filename=\"\(filename)\"" }
        bytes += Array("--\(boundary.value)\r\nContent-Disposition: \(disposition)\r\n".utf8)
        if let contentType = part.contentType { bytes += Array("Content-Type: \(contentType)\r\n".utf8) }
        bytes += Array("\r\n".utf8) + part.body + Array("\r\n".utf8)
    }
    return bytes + Array("--\(boundary.value)--\r\n\(epilogue)".utf8)
}

/// Feeds `body` in chunks of the given sizes and checks the event grammar while collecting parts.
func parse(
    _ body: [UInt8], chunkSizes: (Int) -> Int = { $0 }, limits: MultipartParser.Limits = .init(),
    parserBoundary: MultipartBoundary = boundary
) throws -> [Part] {
    var parser = MultipartParser(boundary: parserBoundary, limits: limits)
    var parts: [Part] = []
    var inPart = false
    func apply(_ events: [MultipartEvent]) {
        for event in events {
            switch event {
            case .partHeaders(let headers):
                #expect(!inPart)
                inPart = true
                parts.append(
                    Part(name: headers.name, filename: headers.filename, contentType: headers.contentType, body: []))
            case .bodyChunk(let chunk):
                #expect(inPart && chunk.readableBytes > 0)
                parts[parts.count - 1].body += chunk.readableBytesView
            case .partEnd:
                #expect(inPart)
                inPart = false
            }
        }
    }
    var offset = 0
    while offset < body.count {
        let length = max(1, min(chunkSizes(body.count - offset), body.count - offset))
        apply(try parser.feed(ByteBuffer(bytes: body[offset..<offset + length])))
        offset += length
    }
    apply(try parser.finish())
    #expect(parser.isComplete && !inPart && parser.partCount == parts.count)
    return parts
}

func randomBytes(_ count: Int, seed: UInt64) -> [UInt8] {
    var rng = SeededGenerator(state: seed)
    return (0..<count).map { _ in UInt8.random(in: 0...255, using: &rng) }
}

/// A binary payload salted with near-misses of the delimiter that must stay body bytes.
let trickyBinary: [UInt8] = {
    var bytes = randomBytes(3000, seed: 7)
    for nearMiss in ["\r\n--\(boundary.value.dropLast())X", "\r\n--", "\r\r\n--", "\r\n-\r\n--", "--\(boundary.value)"]
    {
        bytes += Array(nearMiss.utf8) + randomBytes(50, seed: UInt64(bytes.count))
    }
    return bytes + Array("\r\n--\(boundary.value.dropLast())".utf8)
}()

let sampleParts = [
    Part(name: "title", body: Array("Holiday\r\nphotos".utf8)),
    Part(name: "file", filename: "cat.jpg", contentType: "image/jpeg", body: trickyBinary),
    Part(name: "empty", body: []),
    Part(name: "notes", filename: "notes.txt", contentType: "text/plain", body: Array("line\r\n".utf8)),
]

@Suite("MultipartParser")
struct MultipartParserTests {
    @Test func wholeByteByByteAndRandomChunksGiveTheSameParts() throws {
        let body = encode(sampleParts, preamble: "ignore me", epilogue: "and me --\(boundary.value)")
        #expect(try parse(body) == sampleParts)
        #expect(try parse(body, chunkSizes: { _ in 1 }) == sampleParts)
        for seed in UInt64(1)...20 {
            var rng = SeededGenerator(state: seed)
            #expect(try parse(body, chunkSizes: { _ in Int.random(in: 1...200, using: &rng) }) == sampleParts)
        }
    }

    @Test func randomPartsSurviveRandomChunking() throws {
        var rng = SeededGenerator(state: 99)
        let pieces = ["\r\n", "\r\n--", "--\(boundary.value)", "\r\n--\(boundary.value.prefix(5))", "\r"]
        for round in 0..<30 {
            let parts = (0..<Int.random(in: 1...5, using: &rng)).map { index in
                var body = randomBytes(Int.random(in: 0...300, using: &rng), seed: UInt64(round * 10 + index))
                for _ in 0..<Int.random(in: 0...6, using: &rng) {
                    let at = Int.random(in: 0...body.count, using: &rng)
                    body.insert(contentsOf: Array(pieces.randomElement(using: &rng)!.utf8), at: at)
                }
                return Part(name: "field\(index)", filename: index % 2 == 0 ? "f\(index).bin" : nil, body: body)
            }
            let body = encode(parts)
            #expect(try parse(body, chunkSizes: { _ in Int.random(in: 1...64, using: &rng) }) == parts)
        }
    }

    @Test func bodyIsStreamedNotBuffered() throws {
        let payload = randomBytes(1 << 20, seed: 3)
        let body = encode([Part(name: "file", filename: "big.bin", body: payload)])
        var parser = MultipartParser(boundary: boundary)
        var fed = 0
        var emitted = 0
        for start in stride(from: 0, to: body.count, by: 64 * 1024) {
            let chunk = body[start..<min(start + 64 * 1024, body.count)]
            fed += chunk.count
            for case .bodyChunk(let bytes) in try parser.feed(ByteBuffer(bytes: chunk)) {
                emitted += bytes.readableBytes
            }
            // Only the header block and a possible delimiter prefix may be held back.
            #expect(fed - emitted <= 200 + (boundary.value.utf8.count + 4) * 2)
        }
        _ = try parser.finish()
        #expect(emitted == payload.count)
    }

    @Test func garbageNeverCrashesAndOnlyThrowsMultipartErrors() {
        var rng = SeededGenerator(state: 5)
        let valid = encode(sampleParts)
        for _ in 0..<300 {
            var bytes = valid
            for _ in 0..<Int.random(in: 1...6, using: &rng) {
                bytes[Int.random(in: 0..<bytes.count, using: &rng)] = [
                    13, 10, 45, 0, UInt8.random(in: 0...255, using: &rng),
                ]
                .randomElement(using: &rng)!
            }
            var parser = MultipartParser(boundary: boundary)
            do throws(MultipartError) {
                for start in stride(from: 0, to: bytes.count, by: 97) {
                    _ = try parser.feed(ByteBuffer(bytes: bytes[start..<min(start + 97, bytes.count)]))
                }
                _ = try parser.finish()
                #expect(parser.isComplete)
            } catch {
                #expect(!error.description.isEmpty)
            }
        }
    }

    @Test func delimiterSplitAtEveryPositionOfTwoChunks() throws {
        let parts = [Part(name: "a", body: Array("x\r\n--".utf8)), Part(name: "b", body: Array("\r\n".utf8))]
        let body = encode(parts)
        for split in 1..<body.count {
            var first = true
            #expect(
                try parse(
                    body,
                    chunkSizes: { remaining in
                        first
                            ? {
                                first = false; return split
                            }() : remaining
                    }) == parts)
        }
    }

    @Test func emptyPartBodyHasNoChunks() throws {
        let body = Array(
            "--\(boundary.value)\r\nContent-Disposition: form-data; name=\"e\"\r\n\r\n\r\n--\(boundary.value)--".utf8)
        var parser = MultipartParser(boundary: boundary)
        let events = try parser.feed(ByteBuffer(bytes: body))
        #expect(events.count == 2)
        #expect(events.last == .partEnd)
        #expect(parser.isComplete)
    }

    @Test func closingDelimiterAloneMeansNoParts() throws {
        #expect(try parse(Array("--\(boundary.value)--".utf8)) == [])
    }

    @Test func transportPaddingAfterBoundaryIsAccepted() throws {
        let body = Array(
            "--\(boundary.value) \t\r\nContent-Disposition: form-data; name=n\r\n\r\nv\r\n--\(boundary.value)--".utf8)
        #expect(try parse(body) == [Part(name: "n", body: Array("v".utf8))])
    }

    @Test func missingClosingDelimiterIsTruncated() throws {
        var body = encode(sampleParts)
        body.removeLast(4)  // "--\r\n" of the closing delimiter
        #expect(throws: MultipartError.truncated) { try parse(body) }
        let cutInBody = Array(encode(sampleParts)[..<500])
        #expect(throws: MultipartError.truncated) { try parse(cutInBody) }
        #expect(MultipartError.truncated.description == "body ended before the closing boundary")
    }

    @Test func withheldDelimiterPrefixIsNeverEmittedAsBody() throws {
        var parser = MultipartParser(boundary: boundary)
        let head =
            "--\(boundary.value)\r\nContent-Disposition: form-data; name=f\r\n\r\nabc\r\n--\(boundary.value.prefix(4))"
        let events = try parser.feed(ByteBuffer(string: head))
        #expect(events.dropFirst() == [.bodyChunk(ByteBuffer(string: "abc"))])
        #expect(throws: MultipartError.truncated) { try parser.finish() }
    }
}
