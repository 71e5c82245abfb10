import Catalog
import Foundation
import Hummingbird
import Jobs
import WireTypes

/// `POST /api/v1/admin/reprocess`: runs a stage again for the assets that match, in the
/// background. Admin only.
struct ReprocessController {
    let reprocessing: Reprocessing

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.post("reprocess", use: reprocess)
    }

    @Sendable func reprocess(
        _ request: Request, context: AppRequestContext
    ) async throws -> EditedResponse<ReprocessQueued> {
        let principal = try context.requireAdmin()
        await context.acceptBody()
        let input: ReprocessRequest
        do { input = try await request.decode(as: ReprocessRequest.self, context: context) } catch {
            throw APIError.badRequest("invalid_body", "expected {\"stage\": …, \"kind\"?: …, \"owner\"?: …}")
        }
        var filter = AssetFilter()
        if let owner = input.owner {
            do { filter.owner = try OwnerName(validating: owner).value } catch {
                throw APIError.badRequest("invalid_body", error.description)
            }
        }
        if let kind = input.kind {
            guard let parsed = AssetKind(rawValue: kind) else {
                throw APIError.badRequest("invalid_kind", "kind must be image, video or json")
            }
            filter.kind = parsed
        }
        do {
            let queued = try await reprocessing.reprocess(
                stage: input.stage, filter: filter, actor: "key:\(principal.keyID.uuidString.lowercased())")
            return EditedResponse(status: .accepted, response: ReprocessQueued(stage: input.stage, queued: queued))
        } catch let error as Reprocessing.UnknownStage {
            throw APIError(
                .notFound, code: "unknown_stage",
                "no stage of that name; the stages are \(error.known.joined(separator: ", "))")
        }
    }
}
