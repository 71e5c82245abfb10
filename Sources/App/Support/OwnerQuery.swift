import Catalog
import Hummingbird

extension Request {
    /// `?owner=`, as a name an owner can have (`OwnerName`: trimmed, 1–200 characters, no control
    /// characters); nil when absent. Anything else is 400 `invalid_query`: a NUL, for one, cannot
    /// even be compared with a stored name (PostgreSQL text refuses it).
    func ownerQuery() throws -> String? {
        guard let text = uri.queryParameters["owner"].map(String.init) else { return nil }
        do { return try OwnerName(validating: text).value } catch {
            throw APIError.badRequest("invalid_query", error.description)
        }
    }
}
