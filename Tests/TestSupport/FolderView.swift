import Catalog
import Foundation

/// The folder view as it is on disk, against where the catalog says each asset's file is.
struct FolderView: CustomStringConvertible {
    /// Every file under `media/`, relative to the store's root.
    let files: Set<String>
    /// Every asset's recorded place.
    let placements: Set<String>
    /// Assets whose content-addressed original is missing.
    let missingOriginals: [String]

    static func read(root: URL, catalog: CatalogDatabase) async throws -> FolderView {
        var files: Set<String> = []
        let media = root.appending(path: "media")
        if let walker = FileManager.default.enumerator(atPath: media.path) {
            while let path = walker.nextObject() as? String {
                var isFolder: ObjCBool = false
                if FileManager.default.fileExists(atPath: media.appending(path: path).path, isDirectory: &isFolder),
                    !isFolder.boolValue
                {
                    files.insert("media/" + path)
                }
            }
        }
        let rows = try await catalog.client.query(
            "SELECT placement_key, storage_key FROM assets WHERE status <> 'purged'", logger: TestCluster.logger)
        var placements: Set<String> = []
        var missing: [String] = []
        for try await (placement, original) in rows.decode((String?, String).self) {
            if let placement { placements.insert(placement) }
            if !original.hasPrefix("inline/"),
                !FileManager.default.fileExists(atPath: root.appending(path: original).path)
            {
                missing.append(original)
            }
        }
        return FolderView(files: files, placements: placements, missingOriginals: missing)
    }

    /// Every asset's file exists exactly where its metadata says, no file is anywhere else, and
    /// no original is lost.
    var isConsistent: Bool { files == placements && missingOriginals.isEmpty }

    func files(in folder: String) -> Set<String> { files.filter { $0.hasPrefix(folder) } }

    var description: String {
        "files not on record: \(files.subtracting(placements).sorted()); recorded but missing: "
            + "\(placements.subtracting(files).sorted()); originals missing: \(missingOriginals)"
    }
}
