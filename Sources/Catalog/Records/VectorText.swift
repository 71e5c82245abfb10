/// pgvector's text form, `[0.1,0.2,…]`: how vectors cross the SQL boundary. Swift's shortest
/// float description round-trips a Float exactly, in both directions.
public enum VectorText {
    static func text(_ vector: [Float]) -> String {
        "[" + vector.map { "\($0)" }.joined(separator: ",") + "]"
    }

    public static func values(_ text: String) -> [Float] {
        text.dropFirst().dropLast().split(separator: ",").compactMap { Float($0) }
    }
}
