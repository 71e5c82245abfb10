import Foundation

extension CLIPTokenizer {
    /// A Hugging Face model folder (`vocab.json` + `merges.txt`) or an OpenAI CLIP checkout
    /// (`bpe_simple_vocab_16e6.txt.gz`), preferring the Hugging Face files when both exist.
    public init(directory: URL) throws {
        let vocabURL = directory.appendingPathComponent("vocab.json")
        let mergesURL = directory.appendingPathComponent("merges.txt")
        let openAIURL = directory.appendingPathComponent("bpe_simple_vocab_16e6.txt.gz")
        let fileManager = FileManager.default
        if fileManager.fileExists(atPath: vocabURL.path) && fileManager.fileExists(atPath: mergesURL.path) {
            try self.init(vocabURL: vocabURL, mergesURL: mergesURL)
        } else if fileManager.fileExists(atPath: openAIURL.path) {
            try self.init(openAIVocabularyURL: openAIURL)
        } else {
            throw CLIPTokenizerError.missingTokenizerFiles(directory: directory)
        }
    }

    public init(vocabURL: URL, mergesURL: URL) throws {
        let vocabulary = try Self.parseVocabulary(Self.read(vocabURL), source: vocabURL)
        let merges = try MergesFile.parse(Self.read(mergesURL), source: mergesURL)
        let encoder = try BytePairEncoder(vocabulary: vocabulary, merges: merges, source: mergesURL)
        try self.init(encoder: encoder, source: vocabURL)
    }

    static func read(_ url: URL) throws(CLIPTokenizerError) -> Data {
        guard FileManager.default.fileExists(atPath: url.path) else { throw .missingFile(url) }
        do {
            return try Data(contentsOf: url)
        } catch {
            throw .unreadableFile(url, reason: error.localizedDescription)
        }
    }

    static func parseVocabulary(_ data: Data, source: URL) throws(CLIPTokenizerError) -> [String: Int32] {
        do {
            return try VocabularyJSON.parse(data)
        } catch {
            throw .malformedVocabulary(source, reason: error.reason)
        }
    }
}
