import Foundation

/// CLIP's byte-level BPE tokenizer, reproducing Hugging Face's slow `CLIPTokenizer` with ftfy
/// installed, the tokenizer CLIP checkpoints are evaluated with (OpenAI's own differs only in
/// unescaping HTML even where ftfy declined to).
///
/// A value is immutable apart from its word cache, which is shared by copies and locked, so one
/// instance can serve concurrent requests.
public struct CLIPTokenizer: Sendable {
    public static let startOfText: Int32 = 49406
    public static let endOfText: Int32 = 49407
    /// CLIP's text context: position embeddings exist for 77 tokens, BOS and EOS included.
    public static let contextLength = 77

    /// This vocabulary's ids for `<|startoftext|>` and `<|endoftext|>` (49406 and 49407 for CLIP).
    public let startOfTextID: Int32
    public let endOfTextID: Int32
    let encoder: BytePairEncoder

    init(encoder: BytePairEncoder, source: URL) throws(CLIPTokenizerError) {
        guard let start = encoder.vocabulary["<|startoftext|>"] else {
            throw .missingVocabularyEntry("<|startoftext|>", source: source)
        }
        guard let end = encoder.vocabulary["<|endoftext|>"] else {
            throw .missingVocabularyEntry("<|endoftext|>", source: source)
        }
        self.encoder = encoder
        self.startOfTextID = start
        self.endOfTextID = end
    }

    /// `[BOS] + ids + [EOS]`, untruncated. A literal `<|endoftext|>` in the text becomes EOS, as in
    /// the reference; the text model pools at the first EOS.
    public func encode(_ text: String) -> [Int32] {
        [startOfTextID] + bytePairIDs(text) + [endOfTextID]
    }

    /// At most `contextLength` ids; a longer text keeps BOS, the first `contextLength - 2` ids and EOS,
    /// like `tokenizer(text, truncation=True, max_length=contextLength)`.
    public func encode(_ text: String, contextLength: Int) -> [Int32] {
        precondition(contextLength >= 2, "contextLength must leave room for BOS and EOS")
        let ids = encode(text)
        guard ids.count > contextLength else { return ids }
        return Array(ids.prefix(contextLength - 1)) + [endOfTextID]
    }

    /// The token strings of `encode(_:)` (byte-level alphabet, `</w>` ends a word), BOS/EOS included.
    public func tokens(_ text: String) -> [String] {
        let tokenStrings = encoder.tokenStrings
        return encode(text).map { tokenStrings.indices.contains(Int($0)) ? tokenStrings[Int($0)] : "" }
    }

    /// The reference `tokenize()`: special-token literals are cut out exactly as written, every other
    /// stretch goes through `whitespace_clean(ftfy.fix_text(text)).lower()`, the regex and BPE.
    private func bytePairIDs(_ text: String) -> [Int32] {
        var ids: [Int32] = []
        for chunk in SpecialTokenSplitter.split(Array(text.unicodeScalars)) {
            switch chunk {
            case .special(let literal):
                ids.append(literal == "<|startoftext|>" ? startOfTextID : endOfTextID)
            case .text(let text):
                for piece in CLIPPreTokenizer.pieces(of: Self.cleanUp(text)) {
                    ids += specialID(piece) ?? encoder.encode(word: piece)
                }
            }
        }
        return ids
    }

    /// `whitespace_clean(ftfy.fix_text(text)).lower()`.
    static func cleanUp(_ text: [Unicode.Scalar]) -> [Unicode.Scalar] {
        PythonText.lowercased(PythonText.collapsingWhitespace(TextFixer.fixText(text)))
    }

    /// Lowercasing can produce a special literal (`<|ENDOFTEXT|>`): the regex keeps it whole and the
    /// reference's BPE cache maps it to the special token instead of merging it.
    private func specialID(_ piece: [Unicode.Scalar]) -> [Int32]? {
        guard piece.first == "<" else { return nil }
        switch String(String.UnicodeScalarView(piece)) {
        case "<|startoftext|>": return [startOfTextID]
        case "<|endoftext|>": return [endOfTextID]
        default: return nil
        }
    }
}
