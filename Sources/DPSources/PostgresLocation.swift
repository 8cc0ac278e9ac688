import DPData
import Foundation

/// A table in a PostgreSQL database, named by a libpq-style URL:
/// `postgresql://USER@HOST:PORT/DB?table=SCHEMA.TABLE[&sslmode=require]`.
///
/// The password never appears in the URL (it would be on the command line and in shell
/// history): libpq reads it from `PGPASSWORD` or `~/.pgpass`. Every other libpq parameter in the
/// query string (sslmode, sslrootcert, connect_timeout, application_name, ...) is passed through.
public struct PostgresLocation: Sendable, Equatable, CustomStringConvertible {
    /// The connection URL libpq reads: the given one without the `table` parameter.
    public let connectionURL: String
    public let schema: String
    public let table: String
    /// The URL as given, for messages (it holds no password).
    public let text: String

    /// Whether `location` names a PostgreSQL source rather than a file.
    public static func isDatabase(_ location: String) -> Bool {
        location.hasPrefix("postgresql://") || location.hasPrefix("postgres://")
    }

    /// Parses `text`; `key` names where it came from (an option or a config key) in errors.
    public init(_ text: String, key: String) throws {
        func refuse(_ problem: String, _ hint: String) -> DataError {
            DataError(file: key, problem: problem, hint: hint)
        }
        guard Self.isDatabase(text), var parts = URLComponents(string: text) else {
            throw refuse(
                "not a PostgreSQL URL", "Write postgresql://USER@HOST:PORT/DB?table=SCHEMA.TABLE.")
        }
        guard parts.password == nil else {
            throw refuse(
                "the URL holds a password",
                "Remove it from the URL; put it in PGPASSWORD or ~/.pgpass, where libpq reads it.")
        }
        let items = parts.queryItems ?? []
        let tables = items.filter { $0.name == "table" }
        guard tables.count == 1, let name = tables[0].value, !name.isEmpty else {
            throw refuse("the URL names no table", "Add ?table=SCHEMA.TABLE (or ?table=TABLE for the public schema).")
        }
        let pieces = name.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        guard pieces.allSatisfy({ !$0.isEmpty }) else {
            throw refuse("the table name '\(name)' has an empty part", "Write table=SCHEMA.TABLE.")
        }
        (schema, table) = pieces.count == 2 ? (pieces[0], pieces[1]) : ("public", pieces[0])
        let rest = items.filter { $0.name != "table" }
        parts.queryItems = rest.isEmpty ? nil : rest
        guard let connection = parts.string else {
            throw refuse("the URL cannot be read back", "Check its spelling.")
        }
        connectionURL = connection
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
