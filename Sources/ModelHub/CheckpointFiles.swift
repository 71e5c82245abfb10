import Foundation

/// The files of a Hugging Face CLIP checkpoint folder that the CLIP library reads.
public enum CheckpointFiles {
    public static let required = [
        "config.json", "preprocessor_config.json", "vocab.json", "merges.txt", "model.safetensors",
    ]
    /// The tokenizer reads these when present; many repositories do not have them.
    public static let optional = ["tokenizer_config.json", "special_tokens_map.json"]

    /// Required files that `folder` lacks, in the order of `required`.
    public static func missingRequired(in folder: URL) -> [String] {
        required.filter { !FileManager.default.fileExists(atPath: folder.appendingPathComponent($0).path) }
    }
}
