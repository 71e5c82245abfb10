/// `GET /api/v1/collections`.
public struct CollectionList: Codable, Sendable {
    public let collections: [CollectionSummary]
    public init(collections: [CollectionSummary]) { self.collections = collections }
}

public struct CollectionSummary: Codable, Sendable {
    public let name: String
    public let owner: String
    /// `staging` (awaiting a decision), `typed` or `jsonb`.
    public let storage: String
    /// `review`, `evolve` or `freeze`.
    public let contract: String
    public let provisional: Bool
    public let documents: Int
    public let schema_version: Int

    public init(
        name: String, owner: String, storage: String, contract: String, provisional: Bool, documents: Int,
        schema_version: Int
    ) {
        self.name = name
        self.owner = owner
        self.storage = storage
        self.contract = contract
        self.provisional = provisional
        self.documents = documents
        self.schema_version = schema_version
    }
}

/// `GET /api/v1/collections/{name}`: everything behind the collection's storage.
public struct CollectionDetail: Codable, Sendable {
    public struct Column: Codable, Sendable, Equatable {
        public let name: String
        public let path: [String]
        public let type: String
        public let not_null: Bool
        public init(name: String, path: [String], type: String, not_null: Bool) {
            self.name = name
            self.path = path
            self.type = type
            self.not_null = not_null
        }
    }

    public struct Reason: Codable, Sendable {
        public let path: [String]
        public let outcome: String
        public let column: String?
        public let type: String?
        public let text: String
        public let figures: [String: Double]
        public init(
            path: [String], outcome: String, column: String?, type: String?, text: String, figures: [String: Double]
        ) {
            self.path = path
            self.outcome = outcome
            self.column = column
            self.type = type
            self.text = text
            self.figures = figures
        }
    }

    public struct Decision: Codable, Sendable {
        public let mode: String
        public let reasons: [Reason]
        public init(mode: String, reasons: [Reason]) {
            self.mode = mode
            self.reasons = reasons
        }
    }

    public struct PathStatistics: Codable, Sendable {
        public let path: [String]
        public let present: Int
        public let presence: Double
        public let kinds: [String: Int]
        public let distinct: Int
        public let formats: [String: Int]
        public let minimum: Double?
        public let maximum: Double?
        public let is_map: Bool
        public init(
            path: [String], present: Int, presence: Double, kinds: [String: Int], distinct: Int,
            formats: [String: Int], minimum: Double?, maximum: Double?, is_map: Bool
        ) {
            self.path = path
            self.present = present
            self.presence = presence
            self.kinds = kinds
            self.distinct = distinct
            self.formats = formats
            self.minimum = minimum
            self.maximum = maximum
            self.is_map = is_map
        }
    }

    public struct Version: Codable, Sendable {
        public let version: Int
        public let storage: String
        public let columns: [Column]?
        public let statements: [String]
        public let proposal_id: String?
        public let actor: String
        public let created_at: String
        public init(
            version: Int, storage: String, columns: [Column]?, statements: [String], proposal_id: String?,
            actor: String, created_at: String
        ) {
            self.version = version
            self.storage = storage
            self.columns = columns
            self.statements = statements
            self.proposal_id = proposal_id
            self.actor = actor
            self.created_at = created_at
        }
    }

    public let name: String
    public let owner: String
    public let storage: String
    public let contract: String
    public let provisional: Bool
    public let documents: Int
    public let schema_version: Int
    /// The table SQL users query: `docs."…"`.
    public let table: String
    public let columns: [Column]
    /// The latest decision over every document so far, with its reasons.
    public let decision: Decision?
    public let statistics: [PathStatistics]
    /// The statements the current schema version ran.
    public let ddl: [String]
    public let versions: [Version]
    public let open_proposal: String?

    public init(
        name: String, owner: String, storage: String, contract: String, provisional: Bool, documents: Int,
        schema_version: Int, table: String, columns: [Column], decision: Decision?, statistics: [PathStatistics],
        ddl: [String], versions: [Version], open_proposal: String?
    ) {
        self.name = name
        self.owner = owner
        self.storage = storage
        self.contract = contract
        self.provisional = provisional
        self.documents = documents
        self.schema_version = schema_version
        self.table = table
        self.columns = columns
        self.decision = decision
        self.statistics = statistics
        self.ddl = ddl
        self.versions = versions
        self.open_proposal = open_proposal
    }
}

/// `PUT /api/v1/collections/{name}/contract`.
public struct ContractChange: Codable, Sendable {
    public let contract: String
    public init(contract: String) { self.contract = contract }
}
