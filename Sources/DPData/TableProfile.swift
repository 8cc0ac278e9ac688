import Foundation

/// A table's column names and, for each column, what a schema proposal needs of its values
/// (`ColumnProfile`), read row by row: the values themselves are not kept, so a proposal's
/// memory grows with the distinct categories a DP proposal counts, not with the rows.
public struct TableProfile: Sendable {
    /// What a proposal gathers: kinds, ranges and categories read straight from the data, or
    /// what a DP proposal's mechanisms count, bounds for the `numeric` columns and categories
    /// for the others.
    public enum Kind: Sendable, Equatable {
        case plain
        case differentiallyPrivate(numeric: Set<String>)

        func purpose(of column: String) -> ColumnProfile.Purpose {
            switch self {
            case .plain: return .proposal
            case .differentiallyPrivate(let numeric):
                return numeric.contains(column) ? .privateBounds : .privateCategories
            }
        }
    }

    public let kind: Kind
    public let header: [String]
    public private(set) var columns: [ColumnProfile]
    /// The rows read.
    public var rows: Int { columns.first?.values ?? 0 }

    /// An empty profile of a table named by `header`.
    public init(header: [String], kind: Kind) {
        self.kind = kind
        self.header = header
        columns = header.map { ColumnProfile(purpose: kind.purpose(of: $0)) }
    }

    /// The profile of a table given by its columns' values.
    public init(header: [String], columns values: [[String]], kind: Kind = .plain) {
        self.init(header: header, kind: kind)
        for (index, column) in values.enumerated() where index < columns.count {
            for value in column { columns[index].add(value) }
        }
    }

    /// Adds one row, one value a column (already trimmed).
    public mutating func add(row: [String]) {
        for (index, value) in row.enumerated() { columns[index].add(value) }
    }

    /// A CSV file's profile, its values trimmed of spaces and tabs; `observer` sees every byte
    /// and record read from it.
    public init(path: String, kind: Kind, observer: ReadObserver? = nil) throws {
        var profile: TableProfile?
        try CSVReader(path: path, observer: observer).forEachRecordView { line, record in
            guard var read = profile else {
                profile = TableProfile(
                    header: (0..<record.count).map { DatasetLoader.headerName(record.string($0)) }, kind: kind)
                return
            }
            guard record.count == read.header.count else {
                throw DataError.fieldCount(file: path, line: line, expected: read.header.count, found: record.count)
            }
            // Moved out and back, so that the columns' storage is never shared while it grows.
            profile = nil
            for index in 0..<record.count {
                read.columns[index].add(String(decoding: ColumnCodec.trimmed(record[index]), as: UTF8.self))
            }
            profile = read
        }
        guard let profile else {
            throw DataError(file: path, problem: "the file is empty", hint: "Give a CSV file with a header row.")
        }
        self = profile
    }

    /// A CSV file's header, trimmed as `init(path:kind:observer:)` trims it, read without its
    /// rows: the names a DP proposal publishes. A name that is a number is refused: a file
    /// without its header row would publish its first row as the names (one that holds no
    /// number would pass).
    public static func header(path: String) throws -> [String] {
        var header: [String]?
        var line = 1
        do {
            try CSVReader(path: path).forEachRecord { first, fields in
                header = fields.map(DatasetLoader.headerName)
                line = first
                throw StopReading()
            }
        } catch is StopReading {}
        guard let header else {
            throw DataError(file: path, problem: "the file is empty", hint: "Give a CSV file with a header row.")
        }
        if let position = header.firstIndex(where: SchemaInference.isNumber) {
            // The cell is not repeated: it may be a row's value.
            throw DataError(
                file: path, line: line, column: position + 1,
                problem: "the header's name is a number, as a row's value would be: the names are published in the "
                    + "schema, and a file without its header row would publish its first row",
                hint: "Name every column with a word (e.g. y2019 for 2019); a file without a header row needs one.")
        }
        return header
    }

    private struct StopReading: Error {}
}
