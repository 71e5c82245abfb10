import App
import Catalog
import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@testable import TestSupport

/// Clusters that become folders: proposed from what the photos show, approved by an admin, and
/// every file moved on approval, rename, merge and split, each move in lineage.
@Suite struct ClusterTests {
    /// Five versions of each of two photos, as a library holds them (resized, mirrored, cropped,
    /// brighter): two groups the tiny model tells apart.
    func library() throws -> (rockets: [Organising.File], cats: [Organising.File]) {
        let edits: [(String, [String])] = [
            ("small", ["-vf", "scale=iw*0.6:-2"]), ("mirrored", ["-vf", "hflip"]),
            ("cropped", ["-vf", "crop=iw*0.7:ih*0.7:iw*0.1:ih*0.1"]), ("bright", ["-vf", "eq=brightness=0.08"]),
        ]
        func versions(_ fixture: String, _ name: String) throws -> [Organising.File] {
            try [
                Organising.File(
                    name: "\(name).jpg", bytes: try ImageVariants.make(fixture, ["-q:v", "3"], format: "jpg"),
                    type: "image/jpeg")
            ]
                + edits.map { edit, arguments in
                    Organising.File(
                        name: "\(name)-\(edit).jpg",
                        bytes: try ImageVariants.make(fixture, arguments + ["-q:v", "4"], format: "jpg"),
                        type: "image/jpeg")
                }
        }
        return (try versions("rocket.jpg", "rocket"), try versions("chelsea.png", "cat"))
    }

    /// Uploads the library and waits for its pass: the two groups' ids and cluster proposals.
    func proposed(
        _ client: some TestClientProtocol, _ app: TestApp
    ) async throws -> (
        rocketIDs: Set<UUID>, catIDs: Set<UUID>, rocketProposal: ProposalRecord, catProposal: ProposalRecord
    ) {
        let (rockets, cats) = try library()
        let ids = try await Organising.upload(rockets + cats, client: client, key: app.adminKey)
        let (rocketIDs, catIDs) = (Set(ids.prefix(5)), Set(ids.suffix(5)))
        try await Organising.settle(app, ids)
        let proposals = try await Organising.openProposals(app, kind: .cluster)
        #expect(Set(proposals.map(Organising.members)) == [rocketIDs, catIDs], "\(proposals.map(\.summary))")
        return (
            rocketIDs, catIDs, try #require(proposals.first { Organising.members($0) == rocketIDs }),
            try #require(proposals.first { Organising.members($0) == catIDs })
        )
    }

    @Test func groupsBecomeFoldersThatFollowRenameMergeAndSplit() async throws {
        try await TestApp.run(configure: Organising.configure) { client, app in
            let (rocketIDs, catIDs, rocketProposal, catProposal) = try await proposed(client, app)
            let payload = try JSONDecoder().decode(ClusterProposal.self, from: Data(rocketProposal.payload.utf8))
            #expect(payload.cohesion > 0.85)
            #expect(!payload.exemplars.isEmpty && Set(payload.exemplars).isSubset(of: rocketIDs))
            #expect(payload.name.contains(" — "), "named from its tags and dates: \(payload.name)")

            // User keys are refused on every admin route.
            let user = try await app.userKey(owner: "admin")
            for (method, path) in adminRoutes(cluster: UUID(), proposal: rocketProposal.id) {
                let response = try await client.call(
                    method, path, key: user, contentType: "application/json", body: ByteBuffer(string: "{}"))
                #expect(response.status == .forbidden, "\(method) \(path)")
            }

            // Approval: one renamed by the admin, one as proposed. Every file moves to its folder.
            let approved = try await client.call(
                .post, "/api/v1/proposals/\(rocketProposal.id.text)/approve", key: app.adminKey,
                contentType: "application/json", body: ByteBuffer(string: #"{"name": "Rockets"}"#))
            #expect(approved.status == .ok)
            #expect(
                try await client.call(.post, "/api/v1/proposals/\(catProposal.id.text)/approve", key: app.adminKey)
                    .status == .ok)
            try await Organising.settle(app, [])
            let clusters =
                try await client.call(.get, "/api/v1/clusters", key: app.adminKey).json()["clusters"]
                as? [[String: Any]] ?? []
            #expect(clusters.count == 2)
            let rocketCluster = try #require(clusters.first { $0["name"] as? String == "Rockets" })
            let catCluster = try #require(clusters.first { $0["name"] as? String != "Rockets" })
            let (rocketID, catID) = (rocketCluster["id"] as! String, catCluster["id"] as! String)
            let catFolder = catCluster["folder"] as! String
            var view = try await Organising.folderView(app)
            #expect(view.isConsistent, "\(view)")
            #expect(view.files(in: "media/clusters/rockets/").count == 5)
            #expect(view.files(in: catFolder).count == 5)
            #expect(view.files(in: "media/unsorted/").isEmpty)

            let detail = try await client.call(.get, "/api/v1/clusters/\(rocketID)?limit=3", key: app.adminKey).json()
            #expect(detail["member_count"] as? Int == 5)
            #expect((detail["members"] as? [Any])?.count == 3)
            #expect(detail["members_next"] is String)
            #expect(((detail["tags"] as? [Any])?.count ?? 0) > 0)
            #expect(detail["cohesion"] is Double)

            // Rename moves the folder.
            let renamed = try await client.call(
                .patch, "/api/v1/clusters/\(rocketID)", key: app.adminKey, contentType: "application/json",
                body: ByteBuffer(string: #"{"name": "Launches"}"#))
            #expect(renamed.status == .ok)
            try await Organising.settle(app, [])
            view = try await Organising.folderView(app)
            #expect(view.isConsistent, "\(view)")
            #expect(view.files(in: "media/clusters/launches/").count == 5)
            #expect(view.files(in: "media/clusters/rockets/").isEmpty)

            // Merge moves the cats into the launches' folder.
            let merged = try await client.call(
                .patch, "/api/v1/clusters/\(catID)", key: app.adminKey, contentType: "application/json",
                body: ByteBuffer(string: #"{"merge_into": "\#(rocketID)"}"#))
            #expect(merged.status == .ok)
            try await Organising.settle(app, [])
            view = try await Organising.folderView(app)
            #expect(view.isConsistent, "\(view)")
            #expect(view.files(in: "media/clusters/launches/").count == 10)
            #expect(view.files(in: catFolder).isEmpty)

            // Split creates the new folder.
            let members = catIDs.map { "\"\($0.text)\"" }.joined(separator: ",")
            let split = try await client.call(
                .post, "/api/v1/clusters/\(rocketID)/split", key: app.adminKey, contentType: "application/json",
                body: ByteBuffer(string: #"{"members": [\#(members)], "name": "Cats"}"#))
            #expect(split.status == .ok)
            #expect(try split.json()["folder"] as? String == "media/clusters/cats/")
            try await Organising.settle(app, [])
            view = try await Organising.folderView(app)
            #expect(view.isConsistent, "\(view)")
            #expect(view.files(in: "media/clusters/cats/").count == 5)
            #expect(view.files(in: "media/clusters/launches/").count == 5)

            // Every action is in lineage, with the admin's key as its actor.
            let history = try await app.catalog.lineage.events(for: .other(.cluster, key: rocketID), limit: 50)
            #expect(
                history.map(\.action) == ["cluster.created", "cluster.renamed", "cluster.absorbed", "cluster.split"])
            #expect(history.allSatisfy { $0.actor.hasPrefix("key:") })
            let moves = try await app.catalog.lineage.events(for: try #require(catIDs.first), limit: 50).filter {
                $0.action == "asset.moved"
            }
            #expect(moves.count == 4, "unsorted, its cluster, the merge, the split")
            #expect(try await app.catalog.proposals.proposal(rocketProposal.id)?.decidedBy?.hasPrefix("key:") == true)
        }
    }

    /// A rejected cluster is not proposed again, and members an admin left out are not proposed
    /// for that cluster again.
    @Test func decisionsAreKeptAcrossPasses() async throws {
        try await TestApp.run(configure: Organising.configure) { client, app in
            let (rocketIDs, catIDs, rocketProposal, catProposal) = try await proposed(client, app)
            let left = try #require(rocketIDs.first)
            let approved = try await client.call(
                .post, "/api/v1/proposals/\(rocketProposal.id.text)/approve", key: app.adminKey,
                contentType: "application/json", body: ByteBuffer(string: #"{"excluded": ["\#(left.text)"]}"#))
            #expect(approved.status == .ok)
            #expect(
                try await client.call(.post, "/api/v1/proposals/\(catProposal.id.text)/reject", key: app.adminKey)
                    .status == .ok)

            // A new photo starts another pass: the left-out rocket fits the cluster but is not
            // proposed for it, and the rejected cats are not proposed again unchanged.
            let another = try await Organising.upload(
                [.init(name: "astronaut.png", bytes: try Fixture.bytes("astronaut.png"), type: "image/png")],
                client: client, key: app.adminKey)
            try await Organising.settle(app, another)
            let assignments = try await Organising.openProposals(app, kind: .assignment)
            #expect(!assignments.contains { Organising.members($0).contains(left) })
            let clustersNow = try await Organising.openProposals(app, kind: .cluster)
            #expect(!clustersNow.contains { Organising.members($0) == catIDs })
            let cluster = try #require(try await app.catalog.clusters.list(owner: "admin").first)
            #expect(cluster.memberCount == 4)
            #expect(
                cluster.name
                    == (try JSONDecoder().decode(ClusterProposal.self, from: Data(rocketProposal.payload.utf8))).name)
        }
    }

    func adminRoutes(cluster: UUID, proposal: UUID) -> [(HTTPRequest.Method, String)] {
        [
            (.get, "/api/v1/proposals?kind=cluster"), (.get, "/api/v1/proposals?kind=duplicate"),
            (.post, "/api/v1/proposals/\(proposal.text)/approve"), (.post, "/api/v1/proposals/\(proposal.text)/reject"),
            (.get, "/api/v1/clusters"), (.get, "/api/v1/clusters/\(cluster.text)"),
            (.patch, "/api/v1/clusters/\(cluster.text)"), (.post, "/api/v1/clusters/\(cluster.text)/split"),
            (.post, "/api/v1/duplicates/\(proposal.text)/resolve"), (.get, "/api/v1/trash"),
            (.post, "/api/v1/trash/\(cluster.text)/restore"),
        ]
    }
}
