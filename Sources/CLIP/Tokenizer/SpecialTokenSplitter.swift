/// The first step of `PreTrainedTokenizer.tokenize`: exact occurrences of the added tokens are cut
/// out before any cleanup, so ftfy and whitespace collapsing never see (or alter) them.
enum SpecialTokenSplitter {
    enum Chunk: Equatable {
        case special(String)
        case text([Unicode.Scalar])
    }

    /// Matching is on Unicode scalars, not Characters: a literal followed by a combining mark is
    /// still a literal to the reference. The literals cannot overlap, so the leftmost match at each
    /// step is also what the reference's trie finds.
    static func split(_ text: [Unicode.Scalar]) -> [Chunk] {
        var chunks: [Chunk] = []
        var textStart = 0
        var index = 0
        while index < text.count {
            guard text[index] == "<",
                let literal = CLIPPreTokenizer.specialTokens.first(where: {
                    text[index...].starts(with: $0.unicodeScalars)
                })
            else {
                index += 1
                continue
            }
            if textStart < index { chunks.append(.text(Array(text[textStart..<index]))) }
            chunks.append(.special(literal))
            index += literal.unicodeScalars.count
            textStart = index
        }
        if textStart < text.count { chunks.append(.text(Array(text[textStart...]))) }
        return chunks
    }
}
