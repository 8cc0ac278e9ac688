import DPData
import Foundation

/// A table in a PostgreSQL database, named by a libpq-style URL:
/// `postgresql://USER@HOST:PORT/DB?table=SCHEMA.TABLE[&sslmode=require]` (`TableName`).
///
/// The URL's rules (`PostgresURL`): no password, and no query parameter that would override the
/// address; libpq's transport settings (sslmode, sslrootcert, connect_timeout, ...) pass through.
public struct PostgresLocation: Sendable, Equatable, CustomStringConvertible {
    /// The connection URL libpq reads: the given one without the `table` parameter.
    public let connectionURL: String
    public let schema: String
    public let table: String
    /// The URL as given, for messages (it holds no password).
    public let text: String
    /// The server, port and database as the URL writes them.
    let address: String

    /// Whether `location` names a PostgreSQL source rather than a file.
    public static func isDatabase(_ location: String) -> Bool { PostgresURL.isDatabase(location) }

    /// Parses `text`; `key` names where it came from (an option or a config key) in errors.
    public init(_ text: String, key: String) throws {
        func refuse(_ problem: String, _ hint: String) -> DataError {
            DataError(file: key, problem: problem, hint: hint)
        }
        let url: PostgresURL
        do {
            url = try PostgresURL(text, ownParameters: ["table"])
        } catch {
            throw refuse(error.problem, error.hint)
        }
        guard let name = url.own["table"], !name.isEmpty else {
            throw refuse("the URL names no table", "Add ?table=SCHEMA.TABLE (or ?table=TABLE for the public schema).")
        }
        guard let parsed = TableName.parse(name) else {
            throw refuse(
                "the table name '\(name)' is not TABLE or SCHEMA.TABLE",
                "Write table=SCHEMA.TABLE, a part holding a dot in double quotes (\"my.schema\".TABLE).")
        }
        (schema, table) = (parsed.schema ?? "public", parsed.table)
        connectionURL = url.connection
        address = "\(url.host):\(url.port)/\(url.database)"
        self.text = text
    }

    public var description: String { text }

    /// The table's name in SQL: schema and table, each quoted.
    public var qualifiedName: String { SQLText.identifier(schema) + "." + SQLText.identifier(table) }
}

/// Quoting for the parts of a statement that cannot be parameters.
public enum SQLText {
    /// An identifier in double quotes, inner quotes doubled: any name is read as a name.
    public static func identifier(_ name: String) -> String {
        "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// A PostgreSQL array literal of texts, for a `$n::text[]` parameter.
    public static func textArray(_ values: [String]) -> String {
        "{"
            + values.map {
                "\"" + $0.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
                    + "\""
            }.joined(separator: ",") + "}"
    }
}
