import Testing

@testable import Schema

@Suite struct JSONNodeWritingTests {
    @Test func writingIsCompactAndKeepsNumbersAndOrder() throws {
        let node = try JSONParser.parse(Array(#" { "z" : [ 1.50 , -0, 1e400 ] , "a" : { } , "e" : [ ] } "#.utf8))
        #expect(node.jsonText == #"{"z":[1.50,-0,1e400],"a":{},"e":[]}"#)
    }

    @Test func stringsAreEscapedOnlyWhereJSONRequires() {
        let node = JSONNode.string("quote \" backslash \\ slash / tab \t nul-free \u{1} é 😀")
        #expect(node.jsonText == #""quote \" backslash \\ slash / tab \t nul-free \u0001 é 😀""#)
    }

    @Test(arguments: [
        #"{"a":"x\ny","b":[true,false,null,{"c":[]}],"d":12345678901234567890123,"e":-1.5e-7}"#,
        #"["\u001f","\"\\",{"é":"😀"}]"#, #""just a string""#, "42", "null",
    ])
    func parsingWhatWasWrittenGivesTheSameNode(text: String) throws {
        let node = try JSONParser.parse(Array(text.utf8))
        var bytes: [UInt8] = []
        node.write(to: &bytes)
        #expect(try JSONParser.parse(bytes) == node)
    }
}
