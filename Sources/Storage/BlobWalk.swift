import Foundation
import Synchronization

/// Walks a store's folders depth first, in ascending key order, a page at a time; each page is
/// read on the I/O pool. Siblings are visited in the order of their keys: a folder as its name
/// followed by `/`, so `a-b` (`-` sorts before `/`) comes before everything in `a/`, and `a0` after.
final class BlobWalk: Sendable {
    let root: String
    let prefix: String
    let pageSize: Int
    /// Top-level folders that hold no blobs: uploads in flight and their processes' leases.
    static let excluded: Set<String> = [".staging", ".staging-leases"]

    private struct Folder {
        /// Paths relative to the root, in key order, with whether each is a folder.
        var entries: [(path: String, isFolder: Bool)]
        var next = 0
    }

    /// The folders being walked, innermost last; nil before the first page.
    private let folders = Mutex<[Folder]?>(nil)

    init(root: String, prefix: String, pageSize: Int) {
        self.root = root
        self.prefix = prefix
        self.pageSize = pageSize
    }

    /// Up to `pageSize` blobs after the last page's; nil once the walk is done. Files that are
    /// not blobs (names no `BlobKey` takes, links, special files) are passed over.
    func nextPage() throws -> [StoredBlob]? {
        try folders.withLock { started in
            var stack = try started ?? [Folder(entries: children(of: ""))]
            defer { started = stack }
            var page: [StoredBlob] = []
            while page.count < pageSize, !stack.isEmpty {
                let top = stack.count - 1
                guard stack[top].next < stack[top].entries.count else {
                    stack.removeLast()
                    continue
                }
                let entry = stack[top].entries[stack[top].next]
                stack[top].next += 1
                if entry.isFolder {
                    let folderPrefix = entry.path + "/"
                    if folderPrefix.hasPrefix(prefix) || prefix.hasPrefix(folderPrefix) {
                        stack.append(Folder(entries: try children(of: entry.path)))
                    }
                } else if entry.path.hasPrefix(prefix), let key = BlobKey(entry.path),
                    let status = try POSIXFile.status(of: root + "/" + entry.path), status.isRegularFile
                {
                    page.append(StoredBlob(key: key, size: status.size, modified: status.modified))
                }
            }
            return page.isEmpty ? nil : page
        }
    }

    private func children(of folder: String) throws -> [(path: String, isFolder: Bool)] {
        let path = folder.isEmpty ? root : root + "/" + folder
        var children: [(path: String, isFolder: Bool, order: String)] = []
        for entry in try POSIXFile.entries(in: path) {
            if folder.isEmpty && Self.excluded.contains(entry.name) { continue }
            let relative = folder.isEmpty ? entry.name : folder + "/" + entry.name
            var isFolder = entry.isDirectory
            if isFolder == nil { isFolder = try POSIXFile.status(of: root + "/" + relative)?.isDirectory }
            guard let isFolder else { continue }
            children.append((relative, isFolder, isFolder ? relative + "/" : relative))
        }
        children.sort { $0.order.utf8.lexicographicallyPrecedes($1.order.utf8) }
        return children.map { ($0.path, $0.isFolder) }
    }
}
