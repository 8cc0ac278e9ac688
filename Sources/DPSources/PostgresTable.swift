import DPData
import Foundation

/// A private table in PostgreSQL, read through the schema: the database computes every value's
/// code (`SQLColumnCode`), so only codes leave it, and a row's text never does. Columns are
/// matched by name; extra table columns are ignored.
public struct PostgresTable: Sendable {
    public let location: PostgresLocation
    public let schema: Schema
    /// The part of the table read, when it is counted in parts (`PostgresCounts.open`); nil for
    /// every row.
    var part: TablePart?

    public init(location: PostgresLocation, schema: Schema) {
        self.location = location
        self.schema = schema
    }

    /// The encoded columns (identifiers are never read).
    var encoded: [Column] { schema.encodedColumns }

    public func connect() throws -> PostgresConnection {
        try PostgresConnection(url: location.connectionURL, label: location.text)
    }

    /// PostgreSQL's integer types (int8, int2, int4), by type OID.
    static let integerTypes: Set<UInt32> = [20, 21, 23]

    /// Checks that the table exists and has every column the schema encodes, and returns how the
    /// database stores each of them (`SQLColumnCode.Storage`).
    @discardableResult
    public func checkColumns(on connection: PostgresConnection) throws -> [String: SQLColumnCode.Storage] {
        let columns = try location.columns(on: connection)
        let present = Set(columns.map(\.name))
        for column in encoded where !present.contains(column.name) {
            throw DataError(
                file: location.text, columnName: column.name, problem: "the table has no such column",
                hint: "Name the column as the table does (the schema maps columns by name).")
        }
        return Dictionary(columns.map { ($0.name, $0.storage) }, uniquingKeysWith: { first, _ in first })
    }

    /// The SELECT list of the columns' codes, and its parameters; `storage` says how the database
    /// stores each column (`checkColumns`).
    func codeQuery(storage: [String: SQLColumnCode.Storage]) -> (select: String, parameters: [String]) {
        var parameters = SQLParameters()
        let list = encoded.enumerated().map { index, column in
            SQLColumnCode.expression(column, parameters: &parameters, storage: storage[column.name] ?? .text)
                + " AS c\(index)"
        }
        var select = "SELECT " + list.joined(separator: ", ") + " FROM \(location.qualifiedName)"
        if let part {
            select += " WHERE ctid >= " + parameters.bind("(\(part.firstPage),0)", as: "tid")
            if let end = part.endPage { select += " AND ctid < " + parameters.bind("(\(end),0)", as: "tid") }
        }
        return (select, parameters.values)
    }

    /// The error for a negative code found in `column`.
    func refusal(code: Int, column: Int) -> DataError {
        let problem = SQLColumnCode.Problem(rawValue: code)
        return DataError(
            file: location.text, columnName: encoded[column].name,
            problem: problem?.text ?? "a value the schema refuses",
            hint: problem?.hint ?? "Check the schema."
        ).inPrivateRows
    }

    /// Every row's codes, streamed through a server-side cursor; for methods that need rows.
    public func load() throws -> EncodedDataset {
        let connection = try connect()
        let (select, parameters) = codeQuery(storage: try checkColumns(on: connection))
        let width = encoded.count
        var codes = [[UInt16]](repeating: [], count: width)
        try connection.forEachBatch(select, parameters, what: "reading the rows' codes") { rows in
            for row in rows {
                for column in 0..<width {
                    guard let text = row[column], let code = Int(text) else {
                        throw refusal(code: 0, column: column)
                    }
                    guard code >= 0 else { throw refusal(code: code, column: column) }
                    codes[column].append(UInt16(truncatingIfNeeded: code))
                }
            }
        }
        guard codes.first.map({ !$0.isEmpty }) ?? false else {
            throw DataError(file: location.text, problem: "the table has no rows", hint: "Give a table with data.")
                .inPrivateRows
        }
        return EncodedDataset(schema: schema, codes: codes)
    }
}

extension PostgresLocation {
    /// The table's columns in order, with how each is stored, read from the catalog: no row is
    /// read and no right on the table is needed, so a user granted SELECT on the schema's columns
    /// alone can read a table that has others.
    func columns(on connection: PostgresConnection) throws -> [(name: String, storage: SQLColumnCode.Storage)] {
        let found = try connection.execute(
            """
            SELECT to_regclass($1) IS NOT NULL, a.attname, a.atttypid, \
            (WITH RECURSIVE base(type) AS (SELECT a.atttypid UNION ALL SELECT t.typbasetype FROM pg_type t \
            JOIN base ON t.oid = base.type WHERE t.typbasetype <> 0) \
            SELECT bool_or(EXISTS (SELECT 1 FROM pg_cast c WHERE c.castsource = base.type \
            AND c.casttarget = 'text'::regtype AND c.castmethod = 'f')) FROM base) \
            FROM (SELECT 1) AS one \
            LEFT JOIN pg_attribute a ON a.attrelid = to_regclass($1) AND a.attnum > 0 AND NOT a.attisdropped \
            ORDER BY a.attnum
            """, [qualifiedName], what: "reading the table's columns")
        guard found.rows.first?.first == "t" else {
            throw DataError(
                file: text, problem: "the table does not exist (or this user cannot see it)",
                hint: "Check the URL's table parameter (SCHEMA.TABLE) and the user's rights.")
        }
        return found.rows.compactMap { row in
            guard row.count == 4, let name = row[1], let type = row[2].flatMap({ UInt32($0) }) else { return nil }
            let storage: SQLColumnCode.Storage =
                PostgresTable.integerTypes.contains(type) ? .integer : row[3] == "t" ? .output : .text
            return (name, storage)
        }
    }

    /// The table's column names, read without any row.
    func columnNames(on connection: PostgresConnection) throws -> [String] {
        try columns(on: connection).map(\.name)
    }

    /// The table's column names, read now on a connection of their own, and the reader of its
    /// values on that connection: a proposal learned with DP reads the columns before it charges,
    /// and the values after, through the columns it named.
    public func proposalReader() throws -> (header: [String], read: (TableProfile.Kind) throws -> TableProfile) {
        let connection = try PostgresConnection(url: connectionURL, label: text)
        let columns = try columns(on: connection)
        return (columns.map(\.name), { kind in try profile(columns, kind: kind, on: connection) })
    }

    /// What a schema proposal of `kind` needs of every value of the table as text (NULL as the
    /// empty string), streamed through a cursor; the profile is private.
    public func profile(kind: TableProfile.Kind) throws -> TableProfile {
        let reader = try proposalReader()
        return try reader.read(kind)
    }

    /// The profile of `columns`' values as a file exported from the table holds them, trimmed of
    /// spaces and tabs as the CSV reader trims.
    func profile(
        _ columns: [(name: String, storage: SQLColumnCode.Storage)], kind: TableProfile.Kind,
        on connection: PostgresConnection
    ) throws -> TableProfile {
        let list = columns.map { SQLColumnCode.trimmedText(SQLText.identifier($0.name), storage: $0.storage) }
            .joined(separator: ", ")
        var profile = TableProfile(header: columns.map(\.name), kind: kind)
        try connection.forEachBatch("SELECT \(list) FROM \(qualifiedName)", what: "reading the values") { rows in
            for row in rows { profile.add(row: row.map { $0 ?? "" }) }
        }
        return profile
    }
}
