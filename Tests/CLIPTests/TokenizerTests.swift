import Foundation
import Testing

@testable import CLIP

/// The goldens come from Hugging Face's slow `CLIPTokenizer` with ftfy (see Fixtures/tokenizer and the
/// fixture README): ids must match exactly, or text embeddings silently drift from the reference.
struct GoldenTokenizerCase: Decodable, Sendable, CustomTestStringConvertible {
    let id: String
    let text: String
    let inputIDs: [Int32]
    let truncated77: [Int32]
    let tokens: [String]
    let cleanedText: String

    enum CodingKeys: String, CodingKey {
        case id, text, tokens
        case inputIDs = "input_ids"
        case truncated77 = "truncated_77"
        case cleanedText = "cleaned_text"
    }

    var testDescription: String { id }

    static let all: [GoldenTokenizerCase] = {
        struct Golden: Decodable { let cases: [GoldenTokenizerCase] }
        let data = try! Data(contentsOf: tokenizerFixtures.appendingPathComponent("golden.json"))
        return try! JSONDecoder().decode(Golden.self, from: data).cases
    }()
}

let tokenizerFixtures = Bundle.module.url(forResource: "Fixtures", withExtension: nil)!
    .appendingPathComponent("tokenizer")

/// Loaded once: every test shares it, which also exercises the shared word cache.
let fixtureTokenizer = try! CLIPTokenizer(directory: tokenizerFixtures)

@Suite("CLIP tokenizer")
struct TokenizerTests {
    @Test("matches the reference tokenizer", arguments: GoldenTokenizerCase.all)
    func golden(_ golden: GoldenTokenizerCase) {
        // Checked first and separately: a cleanup (ftfy, whitespace, lowercase) difference explains
        // an id difference below.
        #expect(CLIPTokenizer.cleanUp(Array(golden.text.unicodeScalars)) == Array(golden.cleanedText.unicodeScalars))
        #expect(fixtureTokenizer.encode(golden.text) == golden.inputIDs)
        #expect(fixtureTokenizer.encode(golden.text, contextLength: 77) == golden.truncated77)
        #expect(fixtureTokenizer.tokens(golden.text) == golden.tokens)
    }

    @Test("all 76 golden cases are present")
    func goldenCount() {
        #expect(GoldenTokenizerCase.all.count == 76)
        #expect(CLIPTokenizer.startOfText == 49406 && CLIPTokenizer.endOfText == 49407)
        #expect(fixtureTokenizer.startOfTextID == CLIPTokenizer.startOfText)
        #expect(fixtureTokenizer.endOfTextID == CLIPTokenizer.endOfText)
    }

    @Test("truncation keeps BOS, the first ids and EOS")
    func truncation() {
        let ids = fixtureTokenizer.encode(String(repeating: "dog ", count: 100), contextLength: 10)
        #expect(ids == [49406] + Array(repeating: 1929, count: 8) + [49407])
        #expect(fixtureTokenizer.encode("a dog", contextLength: 77) == fixtureTokenizer.encode("a dog"))
    }

    /// ftfy repairs beyond the goldens, checked against ftfy 6.3.1: each input must tokenize exactly
    /// like the text ftfy turns it into.
    @Test(
        "repairs text like ftfy",
        arguments: [
            ("voilÃ le travail", "voilà le travail"),  // NBSP byte lost from à's UTF-8
            ("naïve cafÃ© au lait", "naïve café au lait"),  // mojibake inside correct text
            ("schÃ¶n â€” wirklich", "schön — wirklich"),  // Windows-1252 mojibake
            ("&EACUTE;t&eacute; &#x27;quoted&#x27; &#128512;", "Été 'quoted' 😀"),
            ("fish &amp chips &unknown;", "fish &amp chips &unknown;"),  // no semicolon, unknown name
            ("line one &amp;\n<b>two</b> &amp;", "line one &\n<b>two</b> &amp;"),  // `<` stops it from there on
            ("price \u{80}5", "price €5"),  // C1 control read as Windows-1252
            ("ＴＯＫＹＯ　ﾄｳｷｮｳ", "TOKYO トウキョウ"),  // fullwidth, ideographic space, halfwidth kana
            ("\u{1B}[31mred\u{1B}[0m text\u{7}", "red text"),  // terminal escapes and controls
            ("‛odd’ „quotes‟", "'odd' \"quotes\""),
            ("ǅemal ĳs", "Džemal ijs"),
            ("√± x", "ñ x"),  // MacRoman mojibake
            ("Σ â€” x", "Σ â€\" x"),  // the Greek letter joins the suspect run, which then cannot be fixed
            ("a\u{345} b", "a b"),  // the reference's case-insensitive regex matches nothing for U+0345
        ])
    func ftfyRepairs(input: String, repaired: String) {
        #expect(fixtureTokenizer.encode(input) == fixtureTokenizer.encode(repaired))
    }

    @Test("keeps correct text that merely looks unusual")
    func keepsCorrectText() {
        // Re-encoding "Ã©" would give valid UTF-8 too, but these texts do not look like mojibake.
        for text in ["Zoë Ångström São Paulo", "x² + y² = z²", "© 2024 — “all” rights", "ÀÉÎÕÜ"] {
            let cleaned = TextFixer.fixText(Array(text.unicodeScalars))
            let expected = Array(text.unicodeScalars).map { scalar -> Unicode.Scalar in
                switch scalar {
                case "“", "”": return "\""
                default: return scalar
                }
            }
            #expect(cleaned == expected, "\(text)")
        }
    }

    @Test("Python lowercasing: final sigma and dotted capital I")
    func pythonLowercase() {
        func lower(_ text: String) -> String {
            String(String.UnicodeScalarView(PythonText.lowercased(Array(text.unicodeScalars))))
        }
        #expect(lower("ΟΔΥΣΣΕΥΣ ΣΑΣ") == "οδυσσευς σας")
        #expect(lower("Σ") == "σ")
        #expect(lower("ΑΣ.") == "ας.")
        #expect(lower("İ").unicodeScalars.elementsEqual("i\u{307}".unicodeScalars))
    }

    @Test("is safe to use from many tasks at once")
    func concurrentUse() async {
        let texts = GoldenTokenizerCase.all.map(\.text)
        let tokenizer = try! CLIPTokenizer(
            vocabURL: tokenizerFixtures.appendingPathComponent("vocab.json"),
            mergesURL: tokenizerFixtures.appendingPathComponent("merges.txt"))
        let results = await withTaskGroup(of: (Int, [Int32]).self) { group in
            for _ in 0..<8 {
                for (index, text) in texts.enumerated() {
                    group.addTask { (index, tokenizer.encode(text)) }
                }
            }
            return await group.reduce(into: [(Int, [Int32])]()) { $0.append($1) }
        }
        #expect(results.count == texts.count * 8)
        for (index, ids) in results {
            #expect(ids == GoldenTokenizerCase.all[index].inputIDs)
        }
    }

    // MARK: Loading

    @Test("builds the vocabulary from OpenAI's gzip'd merges exactly as vocab.json")
    func openAIVocabulary() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let gzip = Process()
        gzip.executableURL = URL(fileURLWithPath: "/usr/bin/gzip")
        gzip.arguments = ["-c", tokenizerFixtures.appendingPathComponent("merges.txt").path]
        let gzURL = directory.appendingPathComponent("bpe_simple_vocab_16e6.txt.gz")
        #expect(FileManager.default.createFile(atPath: gzURL.path, contents: nil))
        gzip.standardOutput = try FileHandle(forWritingTo: gzURL)
        try gzip.run()
        gzip.waitUntilExit()
        #expect(gzip.terminationStatus == 0)

        let fromGzip = try CLIPTokenizer(directory: directory)
        let vocabData = try Data(contentsOf: tokenizerFixtures.appendingPathComponent("vocab.json"))
        let huggingFaceVocabulary = try JSONDecoder().decode([String: Int32].self, from: vocabData)
        #expect(fromGzip.encoder.vocabulary.count == 49_408)
        #expect(fromGzip.encoder.vocabulary == huggingFaceVocabulary)
        #expect(fixtureTokenizer.encoder.vocabulary == huggingFaceVocabulary)
        for golden in GoldenTokenizerCase.all.prefix(20) {
            #expect(fromGzip.encode(golden.text) == golden.inputIDs, "\(golden.id)")
        }
    }

    @Test("reads JSON string escapes in vocab.json")
    func vocabularyEscapes() throws {
        let json = #"{ "a\u00e9\"\\\/\ud83d\ude00\n" : 7 ,"b":0}"#
        let vocabulary = try VocabularyJSON.parse(Data(json.utf8))
        #expect(vocabulary == ["aé\"\\/😀\n": 7, "b": 0])
    }

    @Test("a folder without tokenizer files is a clear error")
    func missingFiles() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect(throws: CLIPTokenizerError.missingTokenizerFiles(directory: directory)) {
            try CLIPTokenizer(directory: directory)
        }
        let vocab = directory.appendingPathComponent("vocab.json")
        #expect(throws: CLIPTokenizerError.missingFile(vocab)) {
            try CLIPTokenizer(vocabURL: vocab, mergesURL: tokenizerFixtures.appendingPathComponent("merges.txt"))
        }
    }

    @Test("malformed vocabularies, merges and gzip files are reported with the file")
    func malformedFiles() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let goodVocab = tokenizerFixtures.appendingPathComponent("vocab.json")
        let goodMerges = tokenizerFixtures.appendingPathComponent("merges.txt")

        let badJSONs = [
            "{\"a\": ", "[1, 2]", "{\"a\": \"one\"}", "{\"a\": -4}", "{\"a\": 1.5}", "{\"a\": 1} x",
            "{\"\\ud800\": 1}", "{\"a\": 99999999999}",
        ]
        for badJSON in badJSONs {
            let url = directory.appendingPathComponent("vocab.json")
            try Data(badJSON.utf8).write(to: url)
            let error = #expect(throws: CLIPTokenizerError.self) {
                try CLIPTokenizer(vocabURL: url, mergesURL: goodMerges)
            }
            guard case .malformedVocabulary(let source, let reason) = error else {
                Issue.record("\(badJSON): \(String(describing: error))")
                continue
            }
            #expect(source == url && !reason.isEmpty)
            #expect(error?.description.contains("vocab.json") == true)
        }

        let merges = directory.appendingPathComponent("merges.txt")
        try Data("#version: 0.2\ni n\nt h e\n".utf8).write(to: merges)
        let mergesError = #expect(throws: CLIPTokenizerError.self) {
            try CLIPTokenizer(vocabURL: goodVocab, mergesURL: merges)
        }
        guard case .malformedMerges(merges, line: 3, _) = mergesError else {
            Issue.record("unexpected \(String(describing: mergesError))")
            return
        }

        try Data("#version: 0.2\nq\u{00FF} zz\n".utf8).write(to: merges)
        #expect(throws: CLIPTokenizerError.missingVocabularyEntry("q\u{00FF}", source: merges)) {
            try CLIPTokenizer(vocabURL: goodVocab, mergesURL: merges)
        }

        let gz = directory.appendingPathComponent("bpe_simple_vocab_16e6.txt.gz")
        try Data("definitely not gzip".utf8).write(to: gz)
        let gzipError = #expect(throws: CLIPTokenizerError.self) { try CLIPTokenizer(openAIVocabularyURL: gz) }
        guard case .malformedGzip(gz, _) = gzipError else {
            Issue.record("unexpected \(String(describing: gzipError))")
            return
        }
    }

    private func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("clip-tokenizer-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
