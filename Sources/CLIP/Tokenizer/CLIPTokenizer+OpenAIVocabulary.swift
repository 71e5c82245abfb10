import Foundation

extension CLIPTokenizer {
    /// OpenAI's `bpe_simple_vocab_16e6.txt.gz`, which holds only merges: the vocabulary is derived
    /// the way OpenAI's `SimpleTokenizer` derives it, and equals Hugging Face's `vocab.json`.
    public init(openAIVocabularyURL url: URL) throws {
        let text = try GzipDecompression.decompress(Self.read(url), source: url)
        let merges = try MergesFile.parse(text, source: url)
        let vocabulary = Self.openAIVocabulary(merges: merges)
        let encoder = try BytePairEncoder(vocabulary: vocabulary, merges: merges, source: url)
        try self.init(encoder: encoder, source: url)
    }

    /// The 256 byte symbols in `bytes_to_unicode()` order, the same with `</w>`, every merge joined,
    /// then `<|startoftext|>` and `<|endoftext|>`. A token listed twice keeps its later id, as the
    /// reference's `dict(zip(vocab, range(len(vocab))))` does.
    static func openAIVocabulary(merges: [MergesFile.Merge]) -> [String: Int32] {
        let symbols = ByteLevelAlphabet.orderedBytes.map { String(ByteLevelAlphabet.characterForByte[Int($0)]) }
        let tokens =
            symbols + symbols.map { $0 + ByteLevelAlphabet.endOfWord } + merges.map { $0.left + $0.right }
            + CLIPPreTokenizer.specialTokens
        var vocabulary: [String: Int32] = [:]
        vocabulary.reserveCapacity(tokens.count)
        for (id, token) in tokens.enumerated() { vocabulary[token] = Int32(id) }
        return vocabulary
    }
}
