import Catalog
import Documents
import Foundation
import Jobs
import NIOCore
import Organise
import Search
import Storage

/// Everything configurable, read from the environment (and `.env`), with the defaults of DESIGN.md.
public struct AppConfiguration: Sendable {
    public var host = "0.0.0.0"
    public var port = 8000
    public var dataRoot = URL(filePath: "var")
    /// Blobs on this machine's filesystem (under `storagePath`) or in an S3 bucket (`STORAGE_BACKEND`).
    public var storage = StorageBackend.filesystem
    public var storagePath: URL
    public var databaseURL: String?
    /// The embedded server's binaries (`AFA_PG_HOME`), when not under `.deps/postgres`.
    public var postgresHome: String?
    public var workers = WorkerConfiguration()
    /// Threads of the compute pool (`COMPUTE_THREADS`): CLIP, libvips and JSON inference run
    /// there, never on the threads that serve requests. One per core by default.
    public var computeThreads = ProcessInfo.processInfo.activeProcessorCount
    public var maximumUploadBytes = 8 << 30
    public var maximumJSONBytes = 64 << 20
    /// Documents up to this size (`INLINE_DOCUMENT_BYTES`) are kept in the catalog, committed
    /// with their asset row: one durable write each instead of a file and two flushes.
    public var inlineDocumentBytes = 64 << 10
    /// Files and documents in one request: bounds the work (and the database rows) of one call.
    public var maximumItemsPerRequest = 10_000
    /// `comments` is copied onto every asset of the request, so it is kept short.
    public var maximumCommentBytes = 4096
    public var http = HTTPServerLimits()
    public var media = MediaLimits()
    public var embedding: EmbeddingSettings
    /// How JSON documents are grouped into collections and their storage decided.
    public var documents = DocumentSettings()
    /// Duplicates, clusters and the trash (`CLUSTER_*`, `DUPLICATE_*`, `ORGANISE_*`, `TRASH_*`).
    public var organise = OrganiseSettings()
    /// Media search (`SEARCH_*`).
    public var search = MediaSearch.Settings()
    /// Removing blobs no catalog row names and abandoned staging files (`ORPHAN_*`, `STAGING_GRACE_SECONDS`).
    public var orphanSweep = OrphanSweepSettings()
    /// The largest image `POST /api/v1/search` takes (`SEARCH_MAX_IMAGE_BYTES`).
    public var maximumSearchImageBytes = 32 << 20

    /// The CLIP model of the semantic stages.
    public struct EmbeddingSettings: Sendable {
        /// A hub id (looked up in `modelDirectory`) or a folder (`EMBEDDING_MODEL`).
        public var model = "openai/clip-vit-base-patch32"
        /// Where fetched models live (`MODEL_DIR`, default `$AFA_DATA/models`).
        public var modelDirectory: URL
        /// `fp32`, `bf16` or `int8` (`EMBEDDING_PRECISION`); fp32 by default, see docs/clip.md.
        public var precision = "fp32"
        /// The weights are let go after this long unused (`MODEL_IDLE_SECONDS`).
        public var idleUnload: Duration = .seconds(300)
        /// A zero-shot tag needs at least this cosine (`TAG_MIN_SCORE`), besides standing out from
        /// the image's own scores; CLIP ViT-B/32 scores a matching term about 0.25–0.35.
        public var minimumTagScore = 0.2
        /// At most this many tags per asset (`TAG_MAX`).
        public var maximumTags = 10

        public static let precisions = ["fp32", "bf16", "int8"]
    }

    /// What the media stage may decode, and for how long its tools may run.
    public struct MediaLimits: Sendable {
        /// Width × height of an image (`MAX_IMAGE_PIXELS`), checked from its header before decoding.
        public var maximumPixels = 100_000_000
        /// Frames of an animation or pages of a TIFF (`MAX_IMAGE_FRAMES`).
        public var maximumFrames = 1_000
        /// An image file is read whole into memory to be decoded, up to this size (`MAX_IMAGE_BYTES`).
        public var maximumImageBytes = 256 << 20
        /// Each ffprobe or ffmpeg run (`MEDIA_TOOL_TIMEOUT_SECONDS`, fractions allowed); past it the
        /// process group is killed and the job fails with the reason.
        public var toolTimeout: Duration = .seconds(600)
    }

    public struct Invalid: Error, CustomStringConvertible {
        public let description: String

        public init(description: String) { self.description = description }
    }

    public init(environment: [String: String]) throws {
        func integer(_ name: String, default value: Int, range: ClosedRange<Int>) throws -> Int {
            guard let text = environment[name], !text.isEmpty else { return value }
            guard let parsed = Int(text), range.contains(parsed) else {
                throw Invalid(description: "\(name)=\(text) is not a whole number in \(range)")
            }
            return parsed
        }
        host = environment["HOST"].flatMap { $0.isEmpty ? nil : $0 } ?? host
        port = try integer("PORT", default: port, range: 0...65535)
        dataRoot = URL(filePath: environment["AFA_DATA"].flatMap { $0.isEmpty ? nil : $0 } ?? "var").standardizedFileURL
        do { storage = try StorageBackend(environment["STORAGE_BACKEND"] ?? "", environment: environment) } catch {
            throw Invalid(description: "\(error)")
        }
        embedding = EmbeddingSettings(modelDirectory: dataRoot.appending(path: "models", directoryHint: .isDirectory))
        if let model = environment["EMBEDDING_MODEL"], !model.isEmpty { embedding.model = model }
        if let directory = environment["MODEL_DIR"], !directory.isEmpty {
            embedding.modelDirectory = URL(filePath: directory, directoryHint: .isDirectory).standardizedFileURL
        }
        if let precision = environment["EMBEDDING_PRECISION"], !precision.isEmpty {
            guard EmbeddingSettings.precisions.contains(precision) else {
                throw Invalid(description: "EMBEDDING_PRECISION=\(precision) is not one of fp32, bf16, int8")
            }
            embedding.precision = precision
        }
        storagePath =
            environment["STORAGE_PATH"].flatMap { $0.isEmpty ? nil : URL(filePath: $0) }
            ?? dataRoot.appending(path: "blobs")
        databaseURL = environment["DATABASE_URL"].flatMap { $0.isEmpty ? nil : $0 }
        postgresHome = environment["AFA_PG_HOME"].flatMap { $0.isEmpty ? nil : $0 }
        workers.concurrency = try integer("WORKER_THREADS", default: 4, range: 0...256)
        if let text = environment["WORKER_CONCURRENCY"], !text.isEmpty {
            do { workers.classConcurrency = try WorkerConfiguration.parseClassConcurrency(text) } catch {
                throw Invalid(description: "WORKER_CONCURRENCY=\(text): \(error)")
            }
        }
        if let text = environment["JOB_CLAIM_BATCH"], !text.isEmpty {
            do { workers.claimBatch.merge(try WorkerConfiguration.parseClaimBatch(text)) { $1 } } catch {
                throw Invalid(description: "JOB_CLAIM_BATCH=\(text): \(error)")
            }
        }
        computeThreads = try integer("COMPUTE_THREADS", default: computeThreads, range: 1...1024)
        workers.lease = .seconds(try integer("JOB_LEASE_SECONDS", default: 60, range: 1...86_400))
        workers.pollInterval = .milliseconds(try integer("JOB_POLL_MS", default: 2000, range: 10...600_000))
        workers.retry.maxAttempts = try integer("JOB_MAX_ATTEMPTS", default: 5, range: 1...100)
        workers.retry.baseDelay = .milliseconds(try integer("JOB_RETRY_BASE_MS", default: 2000, range: 0...3_600_000))
        maximumUploadBytes = try integer("MAX_UPLOAD_BYTES", default: maximumUploadBytes, range: 1...(1 << 50))
        maximumJSONBytes = try integer("MAX_JSON_BYTES", default: maximumJSONBytes, range: 1...(1 << 32))
        inlineDocumentBytes = try integer("INLINE_DOCUMENT_BYTES", default: inlineDocumentBytes, range: 0...(1 << 20))
        maximumItemsPerRequest = try integer(
            "MAX_ITEMS_PER_REQUEST", default: maximumItemsPerRequest, range: 1...1_000_000)
        maximumCommentBytes = try integer("MAX_COMMENT_BYTES", default: maximumCommentBytes, range: 0...(1 << 20))
        try readDocumentSettings(environment)
        try readOrganiseSettings(environment)
        try readSearchSettings(environment)
        try readOrphanSweepSettings(environment)
        if let text = environment["TAG_MIN_SCORE"], !text.isEmpty {
            guard let score = Double(text), (-1...1).contains(score) else {
                throw Invalid(description: "TAG_MIN_SCORE=\(text) is not a cosine in [-1, 1]")
            }
            embedding.minimumTagScore = score
        }
        embedding.maximumTags = try integer("TAG_MAX", default: embedding.maximumTags, range: 0...100)
        embedding.idleUnload = .seconds(try integer("MODEL_IDLE_SECONDS", default: 300, range: 1...604_800))
        media.maximumPixels = try integer("MAX_IMAGE_PIXELS", default: media.maximumPixels, range: 1...(1 << 40))
        media.maximumFrames = try integer("MAX_IMAGE_FRAMES", default: media.maximumFrames, range: 1...1_000_000)
        media.maximumImageBytes = try integer(
            "MAX_IMAGE_BYTES", default: media.maximumImageBytes, range: 1...(1 << 34))
        if let text = environment["MEDIA_TOOL_TIMEOUT_SECONDS"], !text.isEmpty {
            guard let seconds = Double(text), seconds > 0, seconds <= 86_400 else {
                throw Invalid(
                    description: "MEDIA_TOOL_TIMEOUT_SECONDS=\(text) is not a number of seconds in (0, 86400]")
            }
            media.toolTimeout = .milliseconds(Int64((seconds * 1000).rounded(.up)))
        }
        http.maximumConnections = try integer(
            "HTTP_MAX_CONNECTIONS", default: http.maximumConnections, range: 1...1_000_000)
        func seconds(_ name: String, default value: TimeAmount) throws -> TimeAmount {
            let whole = Int(value.nanoseconds / 1_000_000_000)
            return .seconds(Int64(try integer(name, default: whole, range: 1...86_400)))
        }
        http.idleTimeout = try seconds("HTTP_IDLE_TIMEOUT_SECONDS", default: http.idleTimeout)
        http.headerTimeout = try seconds("HTTP_HEADER_TIMEOUT_SECONDS", default: http.headerTimeout)
        http.bodyTimeout = try seconds("HTTP_BODY_TIMEOUT_SECONDS", default: http.bodyTimeout)
        http.shutdownGrace = try seconds("HTTP_SHUTDOWN_GRACE_SECONDS", default: http.shutdownGrace)
    }

    /// The process environment, with `.env` in the working directory filling in what is unset.
    public static func processEnvironment() -> [String: String] {
        var environment = ProcessInfo.processInfo.environment
        guard let text = try? String(contentsOfFile: ".env", encoding: .utf8) else { return environment }
        for line in text.split(whereSeparator: \.isNewline) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard !trimmed.hasPrefix("#"), let equals = trimmed.firstIndex(of: "=") else { continue }
            let key = trimmed[..<equals].trimmingCharacters(in: .whitespaces)
            var value = trimmed[trimmed.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            if value.count >= 2, value.first == value.last, value.first == "\"" || value.first == "'" {
                value = String(value.dropFirst().dropLast())
            }
            if environment[key] == nil { environment[key] = value }
        }
        return environment
    }
}

extension AppConfiguration {
    /// `SCHEMA_*` thresholds (shares in [0, 1]) and `COLLECTION_*` settings.
    mutating func readDocumentSettings(_ environment: [String: String]) throws {
        func share(_ name: String, _ value: inout Double) throws {
            guard let text = environment[name], !text.isEmpty else { return }
            guard let parsed = Double(text), (0...1).contains(parsed) else {
                throw Invalid(description: "\(name)=\(text) is not a share in [0, 1]")
            }
            value = parsed
        }
        try share("SCHEMA_PROMOTE_PRESENCE", &documents.thresholds.promotePresence)
        try share("SCHEMA_DOMINANT_TYPE", &documents.thresholds.dominantType)
        try share("SCHEMA_DEMOTE_PRESENCE", &documents.thresholds.demotePresence)
        try share("SCHEMA_SPARSE_LEAF_SHARE", &documents.thresholds.sparseLeafShare)
        try share("COLLECTION_MATCH_THRESHOLD", &documents.matchThreshold)
        guard documents.thresholds.demotePresence <= documents.thresholds.promotePresence else {
            throw Invalid(description: "SCHEMA_DEMOTE_PRESENCE must not exceed SCHEMA_PROMOTE_PRESENCE")
        }
        if let text = environment["COLLECTION_DEFAULT_CONTRACT"], !text.isEmpty {
            guard let contract = SchemaContract(rawValue: text) else {
                throw Invalid(description: "COLLECTION_DEFAULT_CONTRACT=\(text) is not review, evolve or freeze")
            }
            documents.defaultContract = contract
        }
        if let text = environment["SCHEMA_MAX_DOCUMENT_BYTES"], !text.isEmpty {
            guard let bytes = Int(text), (1...(1 << 30)).contains(bytes) else {
                throw Invalid(description: "SCHEMA_MAX_DOCUMENT_BYTES=\(text) is not a whole number in 1...\(1 << 30)")
            }
            documents.maximumDocumentBytes = bytes
        }
        if let text = environment["SCHEMA_REVIEW_DELAY_MS"], !text.isEmpty {
            guard let milliseconds = Int(text), (0...3_600_000).contains(milliseconds) else {
                throw Invalid(description: "SCHEMA_REVIEW_DELAY_MS=\(text) is not a whole number in 0...3600000")
            }
            documents.reviewDelay = .milliseconds(milliseconds)
        }
    }
}

extension AppConfiguration {
    mutating func readOrganiseSettings(_ environment: [String: String]) throws {
        func number(_ name: String, in range: ClosedRange<Double>) throws -> Double? {
            try Self.number(name, in: range, environment)
        }
        if let value = try number("CLUSTER_THRESHOLD", in: -1...1) { organise.clusterThreshold = value }
        if let value = try number("CLUSTER_MIN_MEMBERS", in: 2...10_000) { organise.clusterMinimumMembers = Int(value) }
        if let value = try number("DUPLICATE_HASH_DISTANCE", in: 0...15) {
            organise.duplicates.nearExactDistance = Int(value)
        }
        if let value = try number("DUPLICATE_SIMILARITY", in: -1...1) { organise.duplicates.similarCosine = value }
        if let value = try number("ORGANISE_DELAY_MS", in: 0...86_400_000) {
            organise.passDelay = .milliseconds(Int64(value))
        }
        if let value = try number("PLACEMENT_BATCH", in: 1...10_000) { organise.placementBatch = Int(value) }
        if let value = try number("TRASH_RETENTION_DAYS", in: 0...36_500) {
            organise.trashRetention = .milliseconds(Int64(value * 86_400_000))
        }
        if let value = try number("TRASH_PURGE_INTERVAL_SECONDS", in: 1...604_800) {
            organise.purgeInterval = .milliseconds(Int64(value * 1000))
        }
    }
}

extension AppConfiguration {
    /// `SEARCH_EF_SEARCH`, `SEARCH_EXACT_BELOW`, `SEARCH_CUTOFF_SPREADS`, `SEARCH_MAX_IMAGE_BYTES`.
    mutating func readSearchSettings(_ environment: [String: String]) throws {
        func number(_ name: String, in range: ClosedRange<Double>) throws -> Double? {
            try Self.number(name, in: range, environment)
        }
        if let value = try number("SEARCH_EF_SEARCH", in: 1...1000) { search.tuning.efSearch = Int(value) }
        if let value = try number("SEARCH_EXACT_BELOW", in: 0...10_000_000) {
            search.tuning.exactScanBelow = Int(value)
        }
        if let value = try number("SEARCH_CUTOFF_SPREADS", in: 0...20) {
            search.cutoff = RelevanceCutoff(spreads: value, minimumSample: search.cutoff.minimumSample)
        }
        if let value = try number("SEARCH_MAX_IMAGE_BYTES", in: 1...Double(1 << 31)) {
            maximumSearchImageBytes = Int(value)
        }
    }
}

extension AppConfiguration {
    /// `name`'s value as a number within `range`; nil when unset or empty.
    static func number(
        _ name: String, in range: ClosedRange<Double>, _ environment: [String: String]
    ) throws
        -> Double?
    {
        guard let text = environment[name], !text.isEmpty else { return nil }
        guard let value = Double(text), range.contains(value) else {
            throw Invalid(description: "\(name)=\(text) is not a number in \(range)")
        }
        return value
    }
}
