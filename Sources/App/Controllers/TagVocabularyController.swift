import Catalog
import Foundation
import Hummingbird
import Jobs

/// `GET` and `POST /api/v1/admin/tags/vocabulary`: the terms zero-shot tagging scores images
/// against. A change re-tags every asset in the background. Admin only.
struct TagVocabularyController {
    let catalog: CatalogDatabase
    let reprocessing: Reprocessing

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("tags/vocabulary", use: list)
        group.post("tags/vocabulary", use: change)
    }

    struct Vocabulary: ResponseEncodable {
        let terms: [TagVocabularyRepository.Term]
        let enabled: Int
    }

    struct Change: Decodable {
        let add: [String]?
        let remove: [String]?
    }

    struct Changed: ResponseEncodable {
        let added: [String]
        let removed: [String]
        /// Assets queued to be tagged again.
        let requeued: Int
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Vocabulary {
        _ = try context.requireAdmin()
        let terms = try await catalog.tagVocabulary.list()
        return Vocabulary(terms: terms, enabled: terms.filter(\.enabled).count)
    }

    @Sendable func change(_ request: Request, context: AppRequestContext) async throws -> EditedResponse<Changed> {
        let principal = try context.requireAdmin()
        await context.acceptBody()
        let input: Change
        do { input = try await request.decode(as: Change.self, context: context) } catch {
            throw APIError.badRequest("invalid_body", "expected {\"add\"?: [terms], \"remove\"?: [terms]}")
        }
        let add = try (input.add ?? []).map(Self.term)
        let remove = try (input.remove ?? []).map(Self.term)
        guard !add.isEmpty || !remove.isEmpty, add.count + remove.count <= Self.maximumChange else {
            throw APIError.badRequest("invalid_body", "name 1 to \(Self.maximumChange) terms to add or remove")
        }
        let actor = "key:\(principal.keyID.uuidString.lowercased())"
        let changed = try await catalog.tagVocabulary.change(add: add, remove: remove, actor: actor)
        var requeued = 0
        if !changed.added.isEmpty || !changed.removed.isEmpty {
            requeued = try await reprocessing.reprocess(stage: "tags", filter: AssetFilter(), actor: actor)
        }
        return EditedResponse(
            status: .accepted, response: Changed(added: changed.added, removed: changed.removed, requeued: requeued))
    }

    static let maximumChange = 1000

    /// Lowercase words: letters, digits, spaces and `-'&.`, 1–64 characters. A term goes into a
    /// prompt ("a photo of a {}."), never into SQL text.
    static func term(_ raw: String) throws -> String {
        let term = raw.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
            .split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
        let allowed = CharacterSet.letters.union(.decimalDigits).union(CharacterSet(charactersIn: " -'&."))
        // Counted as PostgreSQL's length() counts (code points), not as grapheme clusters.
        guard (1...64).contains(term.unicodeScalars.count), term.unicodeScalars.allSatisfy(allowed.contains) else {
            throw APIError.badRequest(
                "invalid_term",
                "a term is 1–64 letters, digits, spaces or -'&. (got \(raw.prefix(80).debugDescription))")
        }
        return term
    }
}
