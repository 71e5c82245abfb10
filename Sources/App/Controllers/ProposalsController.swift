import Catalog
import Documents
import Foundation
import Hummingbird
import Schema
import WireTypes

/// `/api/v1/proposals`: structural changes waiting for an admin. Schema proposals: anyone sees
/// their own. Media proposals (duplicates, clusters, assignments) are the admin's alone. Only an
/// admin approves (optionally with edits) or rejects, and both are recorded in lineage.
struct ProposalsController {
    let catalog: CatalogDatabase
    /// Schema proposals' approvals; nil where the server places no documents.
    let approvals: ProposalApprovals?

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("proposals", use: list)
        group.get("proposals/{id}", use: show)
        group.post("proposals/{id}/approve", use: approve)
        group.post("proposals/{id}/reject", use: reject)
    }

    struct View: ResponseEncodable {
        let id: String
        let kind: String
        let owner: String
        let collection: String?
        /// The cluster an assignment proposal is for.
        let cluster: String?
        let state: String
        let summary: String
        let created_at: String
        let decided_at: String?
        let decided_by: String?
        /// A schema proposal: `kind` (storage or evolution), `decision` with its reasons,
        /// `layout`, `changes`, `statements` exactly as they will run, `rowsTouched`,
        /// `rewritesTable`.
        /// A media proposal: `tier`, `members`, `keeper` with `keeper_reason` and each pair's
        /// evidence (duplicates); `name`, `members`, `exemplars`, `cohesion`, `tags` (clusters);
        /// `cluster`, `members` with their similarity (assignments).
        let payload: JSONValue
        let result: JSONValue?
        /// Media proposals: each member's thumbnail.
        let thumbnails: [String: String]?
    }

    struct ListView: ResponseEncodable {
        let proposals: [View]
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> ListView {
        let principal = try context.requirePrincipal()
        let query = request.uri.queryParameters
        let kind = try query["kind"].map {
            guard let kind = ProposalKind(rawValue: String($0)) else {
                throw APIError.badRequest("invalid_query", "kind must be schema, duplicate, cluster or assignment")
            }
            return kind
        }
        if kind?.isMedia == true, !principal.isAdmin { throw APIError.forbidden }
        let state = try query["state"].map {
            guard let state = ProposalState(rawValue: String($0)) else {
                throw APIError.badRequest("invalid_query", "state must be open, approved, rejected or superseded")
            }
            return state
        }
        let requested = try request.ownerQuery()
        if let requested, requested != principal.owner, !principal.isAdmin { throw APIError.forbidden }
        let owner = principal.isAdmin ? requested : principal.owner
        // A user sees schema proposals only: media proposals are the admin's.
        let proposals = try await catalog.proposals.list(
            kind: principal.isAdmin ? kind : .schema, owner: owner, state: state, limit: 200)
        return ListView(proposals: try await proposals.asyncMap { try await view($0) })
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> View {
        let principal = try context.requirePrincipal()
        guard let id = context.parameters.get("id").flatMap(UUID.init(uuidString:)),
            let proposal = try await catalog.proposals.proposal(id),
            principal.isAdmin || (proposal.owner == principal.owner && !proposal.kind.isMedia)
        else { throw APIError.notFound("proposal") }
        return try await view(proposal)
    }

    @Sendable func approve(_ request: Request, context: AppRequestContext) async throws -> View {
        let principal = try context.requireAdmin()
        await context.acceptBody()
        let id = try proposalID(context)
        let body = try await request.body.collect(upTo: 1 << 20)
        let actor = "key:\(principal.keyID.uuidString.lowercased())"
        let proposal = try await catalog.proposals.proposal(id).orThrow(APIError.notFound("proposal"))
        if proposal.kind.isMedia {
            let edits = try MediaEdits.decode(body)
            try await Self.organising {
                let decisions = catalog.organisationDecisions
                switch proposal.kind {
                case .duplicate:
                    _ = try await decisions.resolveDuplicates(
                        id, keeper: edits.keeper, excluded: edits.excludedSet, actor: actor)
                case .cluster:
                    _ = try await decisions.approveCluster(
                        id, name: edits.name, excluded: edits.excludedSet, actor: actor)
                case .assignment, .schema:
                    _ = try await decisions.approveAssignment(id, excluded: edits.excludedSet, actor: actor)
                }
            }
        } else {
            guard let approvals else { throw APIError.notFound("proposal") }
            var edits = ProposalEdits()
            if body.readableBytes > 0, body.readableBytesView.contains(where: { $0 > 0x20 }) {
                do { edits = try JSONDecoder().decode(ProposalEdits.self, from: Data(body.readableBytesView)) } catch {
                    throw APIError.badRequest(
                        "invalid_body",
                        "expected {\"rename\": {column: name}, \"types\": {column: type}, \"keep_in_jsonb\": [column]}")
                }
            }
            do {
                _ = try await approvals.approve(id, edits: edits, actor: actor)
            } catch let refusal as ProposalDecisions.Refusal {
                throw Self.error(refusal)
            } catch let invalid as ProposalEdits.Invalid {
                throw APIError.badRequest("invalid_edit", invalid.description)
            } catch let outdated as ProposalApprovals.Outdated {
                throw APIError(.conflict, code: "proposal_outdated", outdated.description)
            }
        }
        return try await view(try await catalog.proposals.proposal(id).orThrow(APIError.notFound("proposal")))
    }

    @Sendable func reject(_ request: Request, context: AppRequestContext) async throws -> View {
        let principal = try context.requireAdmin()
        let id = try proposalID(context)
        let actor = "key:\(principal.keyID.uuidString.lowercased())"
        let proposal = try await catalog.proposals.proposal(id).orThrow(APIError.notFound("proposal"))
        switch proposal.kind {
        case .duplicate:
            try await Self.organising { try await catalog.organisationDecisions.dismissDuplicates(id, actor: actor) }
        case .cluster, .assignment:
            try await Self.organising {
                try await catalog.organisationDecisions.rejectMediaProposal(id, kind: proposal.kind, actor: actor)
            }
        case .schema:
            guard let approvals else { throw APIError.notFound("proposal") }
            do {
                _ = try await approvals.reject(id, actor: actor)
            } catch let refusal as ProposalDecisions.Refusal {
                throw Self.error(refusal)
            }
        }
        return try await view(try await catalog.proposals.proposal(id).orThrow(APIError.notFound("proposal")))
    }

    /// Runs an organisation decision, its refusals as the API's errors.
    static func organising<T>(_ body: () async throws -> T) async throws -> T {
        do { return try await body() } catch let refusal as OrganisationDecisions.Refusal {
            switch refusal {
            case .notFound(let what): throw APIError.notFound(what)
            case .notOpen: throw APIError(.conflict, code: "proposal_decided", refusal.description)
            case .invalid(let message): throw APIError.badRequest("invalid_edit", message)
            case .outdated(let message): throw APIError(.conflict, code: "outdated", message)
            }
        }
    }

    private func proposalID(_ context: AppRequestContext) throws -> UUID {
        guard let id = context.parameters.get("id").flatMap(UUID.init(uuidString:)) else {
            throw APIError.notFound("proposal")
        }
        return id
    }

    static func error(_ refusal: ProposalDecisions.Refusal) -> APIError {
        switch refusal {
        case .notFound: return APIError.notFound("proposal")
        case .notOpen: return APIError(.conflict, code: "proposal_decided", refusal.description)
        }
    }

    private func view(_ proposal: ProposalRecord) async throws -> View {
        let collection = try await proposal.collectionID.asyncFlatMap {
            try await catalog.collections.collection(id: $0)
        }
        let payload = JSONValue.parse(proposal.payload)
        return View(
            id: proposal.id.uuidString.lowercased(), kind: proposal.kind.rawValue, owner: proposal.owner,
            collection: collection?.name, cluster: proposal.clusterID?.uuidString.lowercased(),
            state: proposal.state.rawValue, summary: proposal.summary,
            created_at: proposal.createdAt.formatted(.iso8601), decided_at: proposal.decidedAt?.formatted(.iso8601),
            decided_by: proposal.decidedBy, payload: payload,
            result: proposal.result.map(JSONValue.parse), thumbnails: proposal.kind.isMedia ? thumbnails(payload) : nil)
    }

    /// Each member's thumbnail URL, by id.
    private func thumbnails(_ payload: JSONValue) -> [String: String] {
        guard case .array(let members)? = payload["members"] else { return [:] }
        var urls: [String: String] = [:]
        for member in members {
            let id: String? =
                switch member {
                case .string(let id): id
                case .object(let fields): if case .string(let id)? = fields["id"] { id } else { nil }
                default: nil
                }
            if let id { urls[id] = "/api/v1/objects/\(id)/thumbnail?size=small" }
        }
        return urls
    }
}

extension Optional {
    func orThrow(_ error: @autoclosure () -> some Error) throws -> Wrapped {
        guard let self else { throw error() }
        return self
    }
}

extension Array {
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var result: [T] = []
        result.reserveCapacity(count)
        for element in self { result.append(try await transform(element)) }
        return result
    }
}
