import ArgumentParser
import AsyncHTTPClient
import Foundation
import NIOCore
import WireTypes

struct IngestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "Upload files and folders (walked recursively) to a running server.",
        discussion: "Each file becomes one asset. Hidden files and folders are skipped.")

    @OptionGroup var client: ClientOptions
    @Argument(help: "Files or folders to upload.") var paths: [String]
    @Option(help: "Owner to ingest for (admin keys only).") var owner: String?
    @Option(help: "Comments stored with every asset.") var comments: String?
    @Option(help: "Uploads in flight at once.") var concurrency = 4
    @Flag(help: "Wait until every asset is processed.") var wait = false

    func run() async throws {
        let (base, key) = try client.resolve()
        let files = try FileWalker.collect(paths)
        guard !files.isEmpty else { throw ValidationError("no files found in \(paths.joined(separator: ", "))") }
        let progress = TransferProgress(files: files.count, bytes: files.reduce(0) { $0 + $1.size })
        let http = HTTPClient.shared
        let uploader = MultipartUploader(
            client: http, url: "\(base)/api/v1/ingest", key: key, owner: owner, comments: comments, progress: progress)

        let renderer = Task { await progress.renderUntilCancelled(label: "uploading") }
        var results: [(file: WalkedFile, result: Result<IngestAccepted, any Error>)] = []
        await withTaskGroup(of: (WalkedFile, Result<IngestAccepted, any Error>).self) { group in
            var pending = files[...]
            for _ in 0..<max(1, concurrency) {
                guard let file = pending.popFirst() else { break }
                group.addTask { (file, await Result { try await uploader.upload(file) }) }
            }
            while let finished = await group.next() {
                results.append((finished.0, finished.1))
                if let file = pending.popFirst() {
                    group.addTask { (file, await Result { try await uploader.upload(file) }) }
                }
            }
        }
        renderer.cancel()
        await renderer.value
        progress.finishLine(label: "uploaded")

        var failures = 0
        var jobs: [String] = []
        for (file, result) in results.sorted(by: { $0.file.path < $1.file.path }) {
            switch result {
            case .success(let receipt):
                print("\(receipt.job_id)  \(receipt.system_ids.first ?? "-")  \(file.path)")
                jobs.append(receipt.job_id)
            case .failure(let error):
                failures += 1
                FileHandle.standardError.write(Data("failed: \(file.path): \(error)\n".utf8))
            }
        }
        if wait, !jobs.isEmpty {
            let processing = try await ProcessingWaiter(client: http, base: base, key: key).wait(for: jobs)
            failures += processing
        }
        if failures > 0 { throw ExitCode(1) }
    }
}

extension Result where Failure == any Error {
    init(catching body: () async throws -> Success) async {
        do { self = .success(try await body()) } catch { self = .failure(error) }
    }
}

struct WalkedFile: Sendable {
    let path: String
    let size: Int64
}

enum FileWalker {
    static func collect(_ paths: [String]) throws -> [WalkedFile] {
        var files: [WalkedFile] = []
        let manager = FileManager.default
        for path in paths {
            var isDirectory: ObjCBool = false
            guard manager.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw ValidationError("\(path) does not exist")
            }
            if !isDirectory.boolValue {
                files.append(WalkedFile(path: path, size: try size(of: path)))
                continue
            }
            let enumerator = manager.enumerator(
                at: URL(filePath: path), includingPropertiesForKeys: [.isRegularFileKey, .fileSizeKey],
                options: [.skipsHiddenFiles])
            while let url = enumerator?.nextObject() as? URL {
                let values = try url.resourceValues(forKeys: [.isRegularFileKey, .fileSizeKey])
                if values.isRegularFile == true {
                    files.append(WalkedFile(path: url.path, size: Int64(values.fileSize ?? 0)))
                }
            }
        }
        return files
    }

    private static func size(of path: String) throws -> Int64 {
        (try FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.int64Value ?? 0
    }
}
