import Foundation
import ModelHub
import Synchronization
import Testing

@Suite("Downloading from the hub")
struct HubDownloadTests {
    @Test("a full download gives a folder identical to the repository, and later runs need no network")
    func fullDownload() async throws {
        let hub = try FakeHub()
        let events = Mutex<[(String, Int64, Int64?)]>([])
        try await withModelDirectory { directory, client in
            let folder = try await hub.run { url in
                try await makeLocator(directory, hub: url, client: client).resolve("tiny/clip") { file, sofar, total in
                    events.withLock { $0.append((file, sofar, total)) }
                }
            }
            #expect(folder == directory.appendingPathComponent("tiny--clip", isDirectory: true))
            for (name, content) in hub.files {
                #expect(fileData(folder, name) == content, "\(name) differs from the repository")
                #expect(!exists(folder, name + ".partial"))
            }
            #expect(exists(folder, ".afa-model.json"))
            let checkpointSize = Int64(hub.files["model.safetensors"]!.count)
            let last = events.withLock { $0.last { $0.0 == "model.safetensors" } }
            #expect(last?.1 == checkpointSize && last?.2 == checkpointSize)
            #expect(!hub.served.contains { $0.method == "HEAD" && $0.path.hasPrefix("/cdn/") })

            // The hub is gone now: the cached folder is still found.
            let again = try await makeLocator(directory, hub: URL(string: "http://127.0.0.1:9")!, client: client)
                .resolve("tiny/clip")
            #expect(again == folder)
        }
    }

    @Test("a download cut off half-way resumes with a Range request and ends byte-identical")
    func interruptedDownloadResumes() async throws {
        let hub = try FakeHub(fault: .dropFirstCheckpointHalfway)
        let checkpoint = try fixtureData("model.safetensors")
        try await withModelDirectory { directory, client in
            let folder = directory.appendingPathComponent("tiny--clip")
            let resumeOffset = try await hub.run { url in
                let locator = makeLocator(directory, hub: url, client: client)
                await #expect {
                    try await locator.resolve("tiny/clip")
                } throws: { error in
                    guard case .interrupted(let file, _, _) = error as? ModelHubError else { return false }
                    return file == "model.safetensors" && "\(error)".contains("run again to resume")
                }
                #expect(!exists(folder, "model.safetensors"))
                let partialSize =
                    try FileManager.default.attributesOfItem(
                        atPath: folder.appendingPathComponent("model.safetensors.partial").path)[.size] as? Int ?? 0
                #expect(partialSize > 0 && partialSize < checkpoint.count)

                _ = try await locator.resolve("tiny/clip")
                return partialSize
            }
            let ranges = hub.served.filter { $0.path.hasPrefix("/cdn/") }.map(\.range)
            #expect(ranges == [nil, "bytes=\(resumeOffset)-"])
            #expect(fileData(folder, "model.safetensors") == checkpoint)
            #expect(!exists(folder, "model.safetensors.partial"))
        }
    }

    @Test("corrupted bytes under the right etag are rejected and not left in place; a good download then works")
    func corruptedDownloadIsRejected() async throws {
        let hub = try FakeHub(fault: .corruptCheckpoint)
        try await withModelDirectory { directory, client in
            let folder = directory.appendingPathComponent("tiny--clip")
            try await hub.run { url in
                let locator = makeLocator(directory, hub: url, client: client)
                await #expect {
                    try await locator.resolve("tiny/clip")
                } throws: { error in
                    guard case .integrityMismatch(let file, _, _) = error as? ModelHubError else { return false }
                    return file == "model.safetensors" && "\(error)".contains("corrupt")
                }
                #expect(!exists(folder, "model.safetensors"))
                #expect(!exists(folder, "model.safetensors.partial"))
                #expect(!exists(folder, ".afa-model.json"))

                hub.fault = .none
                _ = try await locator.resolve("tiny/clip")
            }
            #expect(fileData(folder, "model.safetensors") == hub.files["model.safetensors"])
        }
    }

    @Test("a partial left by an older file fails verification once, then the file is fetched afresh")
    func stalePartialIsReplaced() async throws {
        let hub = try FakeHub()
        try await withModelDirectory { directory, client in
            let folder = directory.appendingPathComponent("tiny--clip")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try Data(repeating: 7, count: 1000).write(to: folder.appendingPathComponent("model.safetensors.partial"))
            _ = try await hub.run { url in
                try await makeLocator(directory, hub: url, client: client).resolve("tiny/clip")
            }
            #expect(fileData(folder, "model.safetensors") == hub.files["model.safetensors"])
            let ranges = hub.served.filter { $0.path.hasPrefix("/cdn/") }.map(\.range)
            #expect(ranges == ["bytes=1000-", nil])
        }
    }

    @Test("two resolves of one model at once download it once and both get the folder")
    func concurrentResolvesShareOneDownload() async throws {
        let hub = try FakeHub()
        try await withModelDirectory { directory, client in
            let folders = try await hub.run { url in
                let locator = makeLocator(directory, hub: url, client: client)
                async let first = locator.resolve("tiny/clip")
                async let second = locator.resolve("tiny/clip")
                return try await [first, second]
            }
            #expect(folders[0] == folders[1])
            #expect(fileData(folders[0], "model.safetensors") == hub.files["model.safetensors"])
            #expect(hub.served.filter { $0.method == "GET" && $0.path.hasPrefix("/cdn/") }.count == 1)
        }
    }

    @Test("optional tokenizer files the repository lacks are skipped")
    func optionalFilesMayBeAbsent() async throws {
        let hub = try FakeHub(omitting: ["tokenizer_config.json", "special_tokens_map.json"])
        try await withModelDirectory { directory, client in
            let folder = try await hub.run { url in
                try await makeLocator(directory, hub: url, client: client).resolve("tiny/clip")
            }
            #expect(!exists(folder, "tokenizer_config.json"))
            #expect(CheckpointFiles.required.allSatisfy { exists(folder, $0) })
        }
    }

    @Test("a repository the hub does not know is reported with the file and status")
    func unknownRepository() async throws {
        let hub = try FakeHub()
        try await withModelDirectory { directory, client in
            try await hub.run { url in
                await #expect(throws: ModelHubError.fileNotFound(model: "tiny/nope", file: "config.json", status: 404))
                {
                    try await makeLocator(directory, hub: url, client: client).resolve("tiny/nope")
                }
            }
        }
    }
}
