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

    /// Checks that the table exists and has every column the schema encodes, and returns the
    /// names of the columns the database stores as integers (their codes need no text).
    @discardableResult
    public func checkColumns(on connection: PostgresConnection) throws -> Set<String> {
        let empty = try connection.execute(
            "SELECT * FROM \(location.qualifiedName) LIMIT 0", what: "reading the table's columns")
        let present = Set(empty.columns)
        for column in encoded where !present.contains(column.name) {
            throw DataError(
                file: location.text, columnName: column.name, problem: "the table has no such column",
                hint: "Name the column as the table does (the schema maps columns by name).")
        }
        return Set(zip(empty.columns, empty.types).filter { Self.integerTypes.contains($0.1) }.map(\.0))
    }

    /// The SELECT list of the columns' codes, and its parameters; `integerColumns` are the
    /// columns the database stores as integers (`checkColumns`).
    func codeQuery(integerColumns: Set<String>) -> (select: String, parameters: [String]) {
        var parameters = SQLParameters()
        let list = encoded.enumerated().map { index, column in
            SQLColumnCode.expression(
                column, parameters: &parameters, integerTyped: integerColumns.contains(column.name))
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
            problem: (problem?.text ?? "a value the schema refuses") + " (value withheld: it is private data)",
            hint: problem?.hint ?? "Check the schema.")
    }

    /// Every row's codes, streamed through a server-side cursor; for methods that need rows.
    public func load() throws -> EncodedDataset {
        let connection = try connect()
        let (select, parameters) = codeQuery(integerColumns: try checkColumns(on: connection))
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
        }
        return EncodedDataset(schema: schema, codes: codes)
    }
}

extension PostgresLocation {
    /// The table's column names, read without any row.
    func columnNames(on connection: PostgresConnection) throws -> [String] {
        try connection.execute("SELECT * FROM \(qualifiedName) LIMIT 0", what: "reading the table's columns").columns
    }

    /// The table's column names, on a connection of their own.
    public func header() throws -> [String] {
        try columnNames(on: try PostgresConnection(url: connectionURL, label: text))
    }

    /// Every value of the table as text (NULL as the empty string), streamed through a cursor,
    /// for a schema proposal; the values are private.
    public func rawTable() throws -> RawTable {
        let connection = try PostgresConnection(url: connectionURL, label: text)
        let names = try columnNames(on: connection)
        let list = names.map { "btrim(\(SQLText.identifier($0))::text)" }.joined(separator: ", ")
        var columns = [[String]](repeating: [], count: names.count)
        try connection.forEachBatch("SELECT \(list) FROM \(qualifiedName)", what: "reading the values") { rows in
            for row in rows {
                for (index, value) in row.enumerated() { columns[index].append(value ?? "") }
            }
        }
        return RawTable(header: names, columns: columns)
    }
}
