import Foundation

extension POSIXFile {
    struct Entry {
        let name: String
        /// nil when the file system does not say (`DT_UNKNOWN`): ask `status(of:)`.
        let isDirectory: Bool?
    }

    /// The names in a folder, `.` and `..` left out; none when the folder is gone.
    static func entries(in path: String) throws -> [Entry] {
        guard let directory = opendir(path) else {
            if errno == ENOENT || errno == ENOTDIR { return [] }
            throw Failure(operation: "open folder \(path)", code: errno)
        }
        defer { closedir(directory) }
        var entries: [Entry] = []
        while true {
            errno = 0
            guard let entry = readdir(directory) else {
                if errno != 0 { throw Failure(operation: "read folder \(path)", code: errno) }
                return entries
            }
            let name = withUnsafePointer(to: &entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: MemoryLayout.size(ofValue: entry.pointee.d_name)) {
                    String(cString: $0)
                }
            }
            if name == "." || name == ".." { continue }
            let type = Int(entry.pointee.d_type)
            entries.append(Entry(name: name, isDirectory: type == Int(DT_UNKNOWN) ? nil : type == Int(DT_DIR)))
        }
    }

    struct Status {
        let isRegularFile: Bool
        let isDirectory: Bool
        let size: Int64
        let modified: Date
    }

    /// The file itself, not what a symbolic link points at; nil when it is gone.
    static func status(of path: String) throws -> Status? {
        var info = stat()
        guard lstat(path, &info) == 0 else {
            if errno == ENOENT || errno == ENOTDIR { return nil }
            throw Failure(operation: "stat \(path)", code: errno)
        }
        let type = info.st_mode & S_IFMT
        return Status(
            isRegularFile: type == S_IFREG, isDirectory: type == S_IFDIR, size: Int64(info.st_size),
            modified: Date(
                timeIntervalSince1970: Double(info.st_mtim.tv_sec) + Double(info.st_mtim.tv_nsec) / 1_000_000_000))
    }
}
