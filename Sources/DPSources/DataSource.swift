import DPData
import DPLedger
import Foundation

/// Where a private table is read from: a CSV file, or a PostgreSQL table named by a
/// `postgresql://` URL (`PostgresLocation`), possibly split across several servers (shards, each
/// holding some of the rows under the same columns). Every command and config key that takes
/// data takes either.
public enum DataSource: Sendable, CustomStringConvertible {
    case csv(path: String)
    /// One table, or its shards: at least one location.
    case postgres([PostgresLocation])

    /// Reads `location`; `key` (an option or config key) names it in errors.
    public init(_ location: String, key: String) throws {
        try self.init([location], key: key)
    }

    /// Reads a table given as one CSV file or as one or more PostgreSQL tables (its shards).
    public init(_ locations: [String], key: String) throws {
        guard let first = locations.first else {
            throw DataError(file: key, problem: "no table given", hint: "Give a CSV file or a postgresql:// URL.")
        }
        if locations.count == 1 && !PostgresLocation.isDatabase(first) {
            self = .csv(path: first)
            return
        }
        guard locations.allSatisfy(PostgresLocation.isDatabase) else {
            throw DataError(
                file: key, problem: "shards must all be PostgreSQL tables",
                hint: "Give one CSV file, or postgresql:// URLs for every shard.")
        }
        let parsed = try locations.map { try PostgresLocation($0, key: key) }
        guard Set(parsed.map(\.writtenIdentity)).count == parsed.count else {
            throw DataError(
                file: key, problem: "a shard is named twice", hint: "Give each shard once: its rows would count twice.")
        }
        self = .postgres(parsed)
    }

    public var description: String {
        switch self {
        case .csv(let path): return path
        case .postgres(let locations): return locations.map(\.text).joined(separator: ", ")
        }
    }

    /// A short name for reports: the file's name, or SCHEMA.TABLE (and the number of shards).
    public var displayName: String {
        switch self {
        case .csv(let path): return URL(fileURLWithPath: path).lastPathComponent
        case .postgres(let locations):
            let name = locations[0].schema + "." + locations[0].table
            return locations.count == 1 ? name : "\(name) (\(locations.count) shards)"
        }
    }

    /// The file path, for the checks that compare outputs with inputs; nil for a database.
    public var path: String? {
        if case .csv(let path) = self { return path }
        return nil
    }

    /// The table's rows, encoded through `schema` (a database computes the codes and streams
    /// them; shards one after the other).
    public func load(schema: Schema) throws -> EncodedDataset {
        try table(schema: schema, countsOnly: false).rows()
    }

    /// The table as a generator reads it. With `countsOnly` (the marginal methods), a database
    /// table is opened for counting where it lives (`PostgresCounts`; shards in parallel, their
    /// sums kept once) and no row leaves it; otherwise the rows are read.
    public func table(schema: Schema, countsOnly: Bool) throws -> any PrivateTable {
        switch self {
        case .csv(let path):
            return try DatasetLoader.load(csv: path, schema: schema)
        case .postgres(let locations):
            let tables = locations.map { PostgresTable(location: $0, schema: schema) }
            if countsOnly { return try PostgresCounts.open(shards: tables) }
            let parts = try tables.map { try $0.load() }
            return parts.count == 1 ? parts[0] : try ShardedTable(parts: parts)
        }
    }

    /// What a budget is bound to: the BLAKE2b of a file's bytes; for a database table, of its
    /// identity as the server states it (`PostgresLocation.identity()`: the cluster, database,
    /// schema and table of every shard; not the user, so analysts who read one table share its
    /// budget, and not the URL's spelling, so another host name for the same server gets no
    /// second budget). A table whose content changes keeps its identity: the user declares the
    /// new version (`--new-data-version`), as for a file. Shards that turn out to be one table
    /// are refused here, before anything is charged: their rows would count twice.
    public func fingerprint() throws -> String {
        switch self {
        case .csv(let path):
            return try Blake2b.hex(file: path)
        case .postgres(let locations):
            let identities = try locations.map { try $0.identity() }
            guard Set(identities).count == identities.count else {
                throw DataError(
                    file: description, problem: "two shards are one table (the same server, database and table)",
                    hint: "Give each shard once: its rows would count twice.")
            }
            return Blake2b.hex(Data(identities.sorted().joined(separator: "\n").utf8))
        }
    }
}

extension PostgresLocation {
    /// The table's identity as the URL writes it: `postgresql://HOST:PORT/DB/SCHEMA.TABLE`.
    public var writtenIdentity: String { "postgresql://\(address)/\(schema).\(table)" }

    /// The table's identity as its server states it: the cluster's system identifier, the
    /// database's name and the table's schema and name as the catalog holds them, so every URL
    /// that reaches the table (another host name or address for the server, `table=t` or
    /// `table=public.t`) gives one identity, whichever user asks. A missing table, and a server
    /// that does not show this user its system identifier, are refused (a fallback to the URL's
    /// host name would give one table two identities).
    public func identity() throws -> String {
        let connection = try PostgresConnection(url: connectionURL, label: text)
        let found = try connection.execute(
            """
            SELECT current_database(), n.nspname, c.relname FROM pg_class c \
            JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = to_regclass($1)
            """, [qualifiedName], what: "reading the table's identity")
        guard let row = found.rows.first, row.count == 3, let database = row[0], let schema = row[1],
            let table = row[2]
        else {
            throw DataError(
                file: text, problem: "the table does not exist (or this user cannot see it)",
                hint: "Check the URL's table parameter (SCHEMA.TABLE) and the user's rights.")
        }
        let system: String?
        do {
            system =
                try connection.execute(
                    "SELECT system_identifier::text FROM pg_control_system()", what: "reading the server's identity"
                ).rows.first?.first ?? nil
        } catch let error as DataError {
            throw DataError(
                file: text, problem: error.problem,
                hint: "A budget binds to the server's system identifier: ask the server's administrator to "
                    + "GRANT EXECUTE ON FUNCTION pg_control_system() TO this user.")
        }
        guard let system else {
            throw DataError(
                file: text, problem: "the server states no system identifier",
                hint: "Use a PostgreSQL server whose pg_control_system() answers.")
        }
        return "postgresql://system/\(system)/\(database)/\(schema).\(table)"
    }
}
