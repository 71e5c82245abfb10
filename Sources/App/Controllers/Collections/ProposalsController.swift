import Catalog
import Documents
import Foundation
import Hummingbird
import Schema
import WireTypes

/// `/api/v1/proposals`: structural changes waiting for an admin. Anyone sees their own; only an
/// admin approves (optionally with edits) or rejects, and both are recorded in lineage.
struct ProposalsController {
    let catalog: CatalogDatabase
    let approvals: ProposalApprovals

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
        let state: String
        let summary: String
        let created_at: String
        let decided_at: String?
        let decided_by: String?
        /// A schema proposal: `kind` (storage or evolution), `decision` with its reasons,
        /// `layout`, `changes`, `statements` exactly as they will run, `rowsTouched`,
        /// `rewritesTable`.
        let payload: JSONValue
        let result: JSONValue?
    }

    struct ListView: ResponseEncodable {
        let proposals: [View]
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> ListView {
        let principal = try context.requirePrincipal()
        let query = request.uri.queryParameters
        let kind = try query["kind"].map {
            guard let kind = ProposalKind(rawValue: String($0)) else {
                throw APIError.badRequest("invalid_query", "kind must be schema")
            }
            return kind
        }
        let state = try query["state"].map {
            guard let state = ProposalState(rawValue: String($0)) else {
                throw APIError.badRequest("invalid_query", "state must be open, approved, rejected or superseded")
            }
            return state
        }
        let requested = query["owner"].map(String.init)
        if let requested, requested != principal.owner, !principal.isAdmin { throw APIError.forbidden }
        let owner = principal.isAdmin ? requested : principal.owner
        let proposals = try await catalog.proposals.list(kind: kind, owner: owner, state: state, limit: 200)
        return ListView(proposals: try await proposals.asyncMap { try await view($0) })
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> View {
        let principal = try context.requirePrincipal()
        guard let id = context.parameters.get("id").flatMap(UUID.init(uuidString:)),
            let proposal = try await catalog.proposals.proposal(id),
            principal.isAdmin || proposal.owner == principal.owner
        else { throw APIError.notFound("proposal") }
        return try await view(proposal)
    }

    @Sendable func approve(_ request: Request, context: AppRequestContext) async throws -> View {
        let principal = try context.requireAdmin()
        await context.acceptBody()
        let id = try proposalID(context)
        let body = try await request.body.collect(upTo: 1 << 20)
        var edits = ProposalEdits()
        if body.readableBytes > 0, body.readableBytesView.contains(where: { $0 > 0x20 }) {
            do { edits = try JSONDecoder().decode(ProposalEdits.self, from: Data(body.readableBytesView)) } catch {
                throw APIError.badRequest(
                    "invalid_body",
                    "expected {\"rename\": {column: name}, \"types\": {column: type}, \"keep_in_jsonb\": [column]}")
            }
        }
        do {
            _ = try await approvals.approve(id, edits: edits, actor: "key:\(principal.keyID.uuidString.lowercased())")
        } catch let refusal as ProposalDecisions.Refusal {
            throw Self.error(refusal)
        } catch let invalid as ProposalEdits.Invalid {
            throw APIError.badRequest("invalid_edit", invalid.description)
        } catch let outdated as ProposalApprovals.Outdated {
            throw APIError(.conflict, code: "proposal_outdated", outdated.description)
        }
        return try await view(try await catalog.proposals.proposal(id).orThrow(APIError.notFound("proposal")))
    }

    @Sendable func reject(_ request: Request, context: AppRequestContext) async throws -> View {
        let principal = try context.requireAdmin()
        let id = try proposalID(context)
        do {
            _ = try await approvals.reject(id, actor: "key:\(principal.keyID.uuidString.lowercased())")
        } catch let refusal as ProposalDecisions.Refusal {
            throw Self.error(refusal)
        }
        return try await view(try await catalog.proposals.proposal(id).orThrow(APIError.notFound("proposal")))
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
        return View(
            id: proposal.id.uuidString.lowercased(), kind: proposal.kind.rawValue, owner: proposal.owner,
            collection: collection?.name, state: proposal.state.rawValue, summary: proposal.summary,
            created_at: proposal.createdAt.formatted(.iso8601), decided_at: proposal.decidedAt?.formatted(.iso8601),
            decided_by: proposal.decidedBy, payload: JSONValue.parse(proposal.payload),
            result: proposal.result.map(JSONValue.parse))
    }
}

extension Optional {
    func orThrow(_ error: @autoclosure () -> some Error) throws -> Wrapped {
        guard let self else { throw error() }
        return self
    }

    func asyncFlatMap<T>(_ transform: (Wrapped) async throws -> T?) async rethrows -> T? {
        guard let self else { return nil }
        return try await transform(self)
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
