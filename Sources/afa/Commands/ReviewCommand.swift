import ArgumentParser
import AsyncHTTPClient
import Foundation
import NIOCore

/// `afa review`: the admin's queue of media proposals (duplicates, clusters, assignments) and
/// schema proposals, decided one by one at the terminal or by id.
struct ReviewCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "review",
        abstract: "List pending proposals; approve or reject them interactively or by id.",
        discussion: """
            Without --approve or --reject, lists the open proposals; at a terminal, asks about each:
            [a]pprove, [r]eject, [s]kip or [q]uit. Approving a duplicate group keeps the suggested copy
            (or --keeper) and moves the others to the trash; approving a cluster creates its folder.
            """)

    @OptionGroup var client: ClientOptions
    @Option(help: "Only proposals of this kind: duplicate, cluster, assignment or schema.") var kind: String?
    @Option(help: "Approve the proposal with this id.") var approve: String?
    @Option(help: "Reject the proposal with this id (for duplicates: not duplicates).") var reject: String?
    @Option(help: "With --approve of a cluster: its name.") var name: String?
    @Option(help: "With --approve of duplicates: the copy to keep.") var keeper: String?
    @Option(help: "With --approve: a member to leave out (repeatable).") var exclude: [String] = []
    @Flag(help: "Never ask, even at a terminal.") var noInput = false

    func run() async throws {
        let (base, key) = try client.resolve()
        let session = ReviewSession(http: HTTPClient.shared, base: base, key: key)
        if let id = approve {
            var edits: [String: Any] = [:]
            if let name { edits["name"] = name }
            if let keeper { edits["keeper"] = keeper }
            if !exclude.isEmpty { edits["excluded"] = exclude }
            print(ReviewSession.describe(try await session.decide(id, approve: true, edits: edits)))
            return
        }
        if let id = reject {
            print(ReviewSession.describe(try await session.decide(id, approve: false, edits: [:])))
            return
        }
        let proposals = try await session.open(kind: kind)
        if proposals.isEmpty {
            print("no open proposals")
            return
        }
        let interactive = !noInput && isatty(STDIN_FILENO) == 1
        for proposal in proposals {
            print(ReviewSession.describe(proposal))
            guard interactive else { continue }
            answering: while true {
                print("  [a]pprove, [r]eject, [s]kip, [q]uit? ", terminator: "")
                switch readLine()?.lowercased().first {
                case "a":
                    print(
                        "  → "
                            + ReviewSession.describe(try await session.decide(proposal.id, approve: true, edits: [:])))
                    break answering
                case "r":
                    print(
                        "  → "
                            + ReviewSession.describe(try await session.decide(proposal.id, approve: false, edits: [:])))
                    break answering
                case "s": break answering
                case "q", nil: return
                default: continue
                }
            }
        }
    }
}

struct ReviewSession {
    let http: HTTPClient
    let base: String
    let key: String

    struct Proposal {
        let id: String
        let kind: String
        let state: String
        let summary: String
        let members: [String]
        let score: String?
    }

    func open(kind: String?) async throws -> [Proposal] {
        var url = "\(base)/api/v1/proposals?state=open"
        if let kind { url += "&kind=\(kind.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? kind)" }
        let object = try await send(HTTPClientRequest(url: url))
        let items = object["proposals"] as? [[String: Any]] ?? []
        return items.map(Self.proposal)
    }

    func decide(_ id: String, approve: Bool, edits: [String: Any]) async throws -> Proposal {
        guard UUID(uuidString: id) != nil else { throw ValidationError("\(id) is not a proposal id") }
        var request = HTTPClientRequest(url: "\(base)/api/v1/proposals/\(id)/\(approve ? "approve" : "reject")")
        request.method = .POST
        if !edits.isEmpty {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: edits)))
        }
        return Self.proposal(try await send(request))
    }

    private func send(_ request: HTTPClientRequest) async throws -> [String: Any] {
        var request = request
        request.headers.add(name: "Authorization", value: "Bearer \(key)")
        let response = try await http.execute(request, timeout: .seconds(60))
        let body = try await response.body.collect(upTo: 64 << 20)
        let object = (try? JSONSerialization.jsonObject(with: Data(buffer: body))) as? [String: Any] ?? [:]
        guard (200..<300).contains(response.status.code) else {
            let error = object["error"] as? [String: Any]
            throw ClientFailure(
                description:
                    "server answered \(response.status.code): \(error?["code"] ?? "?"): \(error?["message"] ?? String(buffer: body))"
            )
        }
        return object
    }

    static func proposal(_ item: [String: Any]) -> Proposal {
        let payload = item["payload"] as? [String: Any] ?? [:]
        let members = (payload["members"] as? [Any] ?? []).compactMap { member -> String? in
            (member as? String) ?? ((member as? [String: Any])?["id"] as? String)
        }
        var score: String?
        if let cohesion = payload["cohesion"] as? Double { score = "cohesion \(cohesion)" }
        if let tier = payload["tier"] as? String { score = "tier \(tier)" }
        return Proposal(
            id: item["id"] as? String ?? "?", kind: item["kind"] as? String ?? "?",
            state: item["state"] as? String ?? "?",
            summary: item["summary"] as? String ?? "", members: members, score: score)
    }

    static func describe(_ proposal: Proposal) -> String {
        var lines = ["\(proposal.id)  \(proposal.kind)  \(proposal.state)  \(proposal.summary)"]
        if let score = proposal.score { lines.append("    \(score)") }
        if !proposal.members.isEmpty {
            let shown = proposal.members.prefix(8).joined(separator: " ")
            lines.append("    members (\(proposal.members.count)): \(shown)\(proposal.members.count > 8 ? " …" : "")")
        }
        return lines.joined(separator: "\n")
    }
}
