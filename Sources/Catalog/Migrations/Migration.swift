/// One versioned step of the catalog schema. Statements run in order inside one transaction;
/// they are separate because the extended query protocol takes one statement at a time.
public struct Migration: Sendable {
    public let version: Int
    public let name: String
    public let statements: [String]

    public init(version: Int, name: String, statements: [String]) {
        self.version = version
        self.name = name
        self.statements = statements
    }
}

extension Migration {
    /// Every migration, in the order it is applied. Append only: never edit a released one.
    public static let all: [Migration] = [
        .coreSchema, .hardening, .processing, .inlineDocuments, .media, .tags, .collections, .leanJobs,
        .organisation, .search, .documentSearch, .blobReferences, .storageLocation,
    ]
}
