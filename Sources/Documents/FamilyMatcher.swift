/// Which of an owner's collections a document belongs to, by its top-level keys.
///
/// A collection's signature is each top-level key's share of its documents. A document scores
/// the mean of two things: how many of its keys the collection knows (`known`), and how much of
/// the collection's usual structure it has, each key weighted by the square of its share
/// (`cover`), so that the keys nearly every document has count and the sparse ones barely do.
/// NoBench documents (nine keys always present, ten of a thousand sparse ones) score near 1
/// against their family; a document sharing two of ten keys scores about 0.2.
/// `RunningSignature` computes both parts as a request's documents arrive.
enum FamilyMatcher {
    static func combine(known: Double, cover: Double) -> Double { (known + cover) / 2 }
}
