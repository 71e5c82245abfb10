import Foundation
import PostgresNIO

/// Turns `DATABASE_URL` (postgres://user:password@host:port/database?sslmode=…) or the embedded
/// server's port into a `PostgresClient` configuration.
public enum DatabaseConfiguration {
    public struct InvalidURL: Error, CustomStringConvertible {
        public let reason: String
        public var description: String { "DATABASE_URL is not usable: \(reason)" }
    }

    public static func fromURL(_ string: String, applicationName: String) throws -> PostgresClient.Configuration {
        guard let components = URLComponents(string: string),
            let scheme = components.scheme, ["postgres", "postgresql"].contains(scheme)
        else { throw InvalidURL(reason: "expected postgres://user:password@host:port/database") }
        guard let host = components.host, !host.isEmpty else { throw InvalidURL(reason: "no host") }
        let database = String(components.path.drop(while: { $0 == "/" }))
        let sslMode = components.queryItems?.first { $0.name == "sslmode" }?.value ?? "prefer"
        let tls: PostgresClient.Configuration.TLS
        switch sslMode {
        case "disable": tls = .disable
        case "require", "verify-ca", "verify-full": tls = .require(.makeClientConfiguration())
        default: tls = .prefer(.makeClientConfiguration())
        }
        var configuration = PostgresClient.Configuration(
            host: host, port: components.port ?? 5432,
            username: components.user?.removingPercentEncoding ?? "postgres",
            password: components.password?.removingPercentEncoding,
            database: database.isEmpty ? nil : database, tls: tls)
        configuration.options.additionalStartupParameters = Self.startupParameters(applicationName)
        return configuration
    }

    public static func embedded(port: Int, database: String, applicationName: String) -> PostgresClient.Configuration {
        var configuration = PostgresClient.Configuration(
            host: "127.0.0.1", port: port, username: EmbeddedPostgres.superuser, password: nil,
            database: database, tls: .disable)
        configuration.options.additionalStartupParameters = Self.startupParameters(applicationName)
        return configuration
    }
}

extension DatabaseConfiguration {
    /// Every session reads a date-time without an offset as UTC (docs/json.md), whatever the
    /// server's own time zone.
    static func startupParameters(_ applicationName: String) -> [(String, String)] {
        [("application_name", applicationName), ("TimeZone", "UTC")]
    }
}
