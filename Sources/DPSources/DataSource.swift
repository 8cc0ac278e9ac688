import DPData
import DPLedger
import Foundation

/// Where a private table is read from: a CSV file, or a PostgreSQL table named by a
/// `postgresql://` URL (`PostgresLocation`). Every command and config key that takes data takes
/// either.
public enum DataSource: Sendable, CustomStringConvertible {
    case csv(path: String)
    case postgres(PostgresLocation)

    /// Reads `location`; `key` (an option or config key) names it in errors.
    public init(_ location: String, key: String) throws {
        self =
            PostgresLocation.isDatabase(location)
            ? .postgres(try PostgresLocation(location, key: key)) : .csv(path: location)
    }

    public var description: String {
        switch self {
        case .csv(let path): return path
        case .postgres(let location): return location.text
        }
    }

    /// A short name for reports: the file's name, or SCHEMA.TABLE.
    public var displayName: String {
        switch self {
        case .csv(let path): return URL(fileURLWithPath: path).lastPathComponent
        case .postgres(let location): return location.schema + "." + location.table
        }
    }

    /// The file path, for the checks that compare outputs with inputs; nil for a database.
    public var path: String? {
        if case .csv(let path) = self { return path }
        return nil
    }

    /// The table's rows, encoded through `schema`.
    public func load(schema: Schema) throws -> EncodedDataset {
        switch self {
        case .csv(let path): return try DatasetLoader.load(csv: path, schema: schema)
        case .postgres(let location): return try PostgresTable(location: location, schema: schema).load()
        }
    }

    /// What a budget is bound to: the BLAKE2b of a file's bytes; for a database table, of its
    /// declared identity (server, port, database, schema and table; not the user, so analysts
    /// who read one table share its budget). A table whose content changes keeps its identity:
    /// the user declares the new version (`--new-data-version`), as for a changed file.
    public func fingerprint() throws -> String {
        switch self {
        case .csv(let path):
            return try Blake2b.hex(file: path)
        case .postgres(let location):
            return Blake2b.hex(Data(location.identity.utf8))
        }
    }
}

extension PostgresLocation {
    /// The declared identity of the table: `postgresql://HOST:PORT/DB/SCHEMA.TABLE`.
    public var identity: String {
        let parts = URLComponents(string: connectionURL)
        let host = parts?.host ?? "localhost"
        let port = parts?.port ?? 5432
        let database = parts?.path.drop { $0 == "/" } ?? ""
        return "postgresql://\(host):\(port)/\(database)/\(schema).\(table)"
    }
}
