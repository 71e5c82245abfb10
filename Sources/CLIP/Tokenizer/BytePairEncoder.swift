import Foundation
import Synchronization

/// Byte-level BPE over token ids. Every intermediate symbol of CLIP's merges is itself a vocabulary
/// entry, so merging ids is equivalent to the reference's merging of strings, and much cheaper.
final class BytePairEncoder: Sendable {
    struct Merge: Sendable {
        var rank: Int32
        var result: Int32
    }

    let vocabulary: [String: Int32]
    private let byteIDs: [Int32]
    private let byteEndOfWordIDs: [Int32]
    private let merges: [UInt64: Merge]
    private let cache = Mutex<[String: [Int32]]>([:])
    private let lazyTokenStrings = Mutex<[String]?>(nil)

    /// Encoded words are cached as in the reference tokenizer, but bounded: a server sees an
    /// unbounded stream of distinct user words and must not grow without limit.
    private static let cacheLimit = 50_000

    init(vocabulary: [String: Int32], merges: [MergesFile.Merge], source: URL) throws(CLIPTokenizerError) {
        func id(_ token: String) throws(CLIPTokenizerError) -> Int32 {
            guard let id = vocabulary[token] else { throw .missingVocabularyEntry(token, source: source) }
            return id
        }
        self.vocabulary = vocabulary

        var byteIDs: [Int32] = []
        var byteEndOfWordIDs: [Int32] = []
        for character in ByteLevelAlphabet.characterForByte {
            byteIDs.append(try id(String(character)))
            byteEndOfWordIDs.append(try id(String(character) + ByteLevelAlphabet.endOfWord))
        }
        self.byteIDs = byteIDs
        self.byteEndOfWordIDs = byteEndOfWordIDs

        var table: [UInt64: Merge] = [:]
        table.reserveCapacity(merges.count)
        for (rank, (left, right)) in merges.enumerated() {
            let key = Self.pairKey(try id(left), try id(right))
            let result = try id(left + right)
            // A repeated pair takes its last rank, as `dict(zip(merges, range(...)))` does.
            table[key] = Merge(rank: Int32(rank), result: result)
        }
        self.merges = table
    }

    /// Id → token string, "" where the ids have a gap. Built on first use: only `tokens(_:)` needs it,
    /// and building it would add a fifth to the load time of unoptimised builds.
    var tokenStrings: [String] {
        lazyTokenStrings.withLock { cached in
            if let cached { return cached }
            var strings = [String](repeating: "", count: Int(vocabulary.values.max() ?? -1) + 1)
            for (token, id) in vocabulary { strings[Int(id)] = token }
            cached = strings
            return strings
        }
    }

    /// The ids of one pre-tokenized word (its UTF-8 bytes, with `</w>` on the last symbol).
    func encode(word: [Unicode.Scalar]) -> [Int32] {
        let key = String(String.UnicodeScalarView(word))
        if let cached = cache.withLock({ $0[key] }) { return cached }
        let ids = merge(Array(key.utf8))
        cache.withLock { cache in
            if cache.count >= Self.cacheLimit { cache.removeAll(keepingCapacity: true) }
            cache[key] = ids
        }
        return ids
    }

    /// The reference `bpe()`: repeatedly merge every occurrence of the best-ranked adjacent pair.
    private func merge(_ bytes: [UInt8]) -> [Int32] {
        guard let last = bytes.last else { return [] }
        var word = bytes.dropLast().map { byteIDs[Int($0)] } + [byteEndOfWordIDs[Int(last)]]
        while word.count > 1 {
            var best: (merge: Merge, left: Int32, right: Int32)?
            for index in 0..<(word.count - 1) {
                guard let candidate = merges[Self.pairKey(word[index], word[index + 1])] else { continue }
                if candidate.rank < best?.merge.rank ?? .max {
                    best = (candidate, word[index], word[index + 1])
                }
            }
            guard let best else { break }
            var merged: [Int32] = []
            merged.reserveCapacity(word.count - 1)
            var index = 0
            while index < word.count {
                if index + 1 < word.count && word[index] == best.left && word[index + 1] == best.right {
                    merged.append(best.merge.result)
                    index += 2
                } else {
                    merged.append(word[index])
                    index += 1
                }
            }
            word = merged
        }
        return word
    }

    private static func pairKey(_ left: Int32, _ right: Int32) -> UInt64 {
        UInt64(UInt32(bitPattern: left)) << 32 | UInt64(UInt32(bitPattern: right))
    }
}
