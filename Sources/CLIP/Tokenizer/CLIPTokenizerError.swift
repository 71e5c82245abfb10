import Foundation

/// Why a CLIP tokenizer could not be loaded. Every case names the file involved, because the usual
/// cause is a model folder that is incomplete or holds files of another tokenizer family.
public enum CLIPTokenizerError: Error, Equatable, CustomStringConvertible, Sendable {
    /// Neither `vocab.json` + `merges.txt` nor `bpe_simple_vocab_16e6.txt.gz` is in the folder.
    case missingTokenizerFiles(directory: URL)
    case missingFile(URL)
    case unreadableFile(URL, reason: String)
    case malformedVocabulary(URL, reason: String)
    case malformedMerges(URL, line: Int, reason: String)
    case malformedGzip(URL, reason: String)
    /// A byte symbol, a merge side or a merge result has no id, so BPE output could not be mapped to ids.
    case missingVocabularyEntry(String, source: URL)

    public var description: String {
        switch self {
        case .missingTokenizerFiles(let directory):
            return "No CLIP tokenizer in \(directory.path): expected vocab.json and merges.txt, "
                + "or bpe_simple_vocab_16e6.txt.gz"
        case .missingFile(let url):
            return "Tokenizer file not found: \(url.path)"
        case .unreadableFile(let url, let reason):
            return "Cannot read tokenizer file \(url.path): \(reason)"
        case .malformedVocabulary(let url, let reason):
            return "Malformed vocabulary \(url.path): \(reason)"
        case .malformedMerges(let url, let line, let reason):
            return "Malformed merges file \(url.path), line \(line): \(reason)"
        case .malformedGzip(let url, let reason):
            return "Cannot decompress \(url.path): \(reason)"
        case .missingVocabularyEntry(let token, let source):
            return "Token \"\(token)\" needed by the merges is not in the vocabulary (\(source.path))"
        }
    }
}

extension CLIPTokenizerError: LocalizedError {
    public var errorDescription: String? { description }
}
