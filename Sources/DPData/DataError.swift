import DPAccounting

/// A problem with an input file, located precisely enough to fix: file, line, column, value,
/// what is wrong and what to do.
public struct DataError: UserFacingError, Equatable {
    public let file: String
    public let line: Int?
    public let column: Int?
    public let columnName: String?
    public let value: String?
    public let problem: String
    public let hint: String
    /// The database's SQLSTATE, when a database refused a statement: what code that handles a
    /// refusal (a server that allows no temporary table, say) tests, rather than the text.
    public var databaseState: String?
    /// Whether the error was found in the private rows (a value the schema refuses, a malformed
    /// record): then the error, and the run's failing exit status with it, are confidential
    /// findings for the data's custodian, like the confidential report, and say so in their text.
    /// The value itself is never kept.
    public var describesPrivateRows = false

    /// What an error found in the private rows says of itself.
    public static let privateRowsLabel = "value withheld; confidential: this error describes the private rows"

    public init(
        file: String, line: Int? = nil, column: Int? = nil, columnName: String? = nil, value: String? = nil,
        problem: String, hint: String
    ) {
        self.file = file
        self.line = line
        self.column = column
        self.columnName = columnName
        self.value = value
        self.problem = problem
        self.hint = hint
    }

    public var description: String {
        var location = file
        if let line { location += ":\(line)" }
        if let column { location += ":\(column)" }
        var text = "\(location): "
        if let columnName { text += "column '\(columnName)': " }
        text += problem
        if let value { text += " (value '\(Self.printable(value))')" }
        if describesPrivateRows { text += " (\(Self.privateRowsLabel))" }
        // Names come from files and commands (a header, a path, a model's method): a line break or
        // a terminal's escape in one would split the line or drive the terminal.
        return OneLine.escaped(text + ". " + hint)
    }

    /// A row of `found` fields where the header has `expected`, located at the first field missing
    /// or the first one too many.
    public static func fieldCount(file: String, line: Int, expected: Int, found: Int) -> DataError {
        DataError(
            file: file, line: line, column: min(expected, found) + 1,
            problem: "expected \(expected) fields, found \(found)",
            hint: "Every row needs one value per column; quote values that contain the delimiter."
        ).inPrivateRows
    }

    /// This error, marked as found in the private rows (`describesPrivateRows`).
    public var inPrivateRows: DataError {
        var marked = self
        marked.describesPrivateRows = true
        return marked
    }

    /// The value with control characters escaped and long values cut, for one-line messages.
    static func printable(_ value: String) -> String {
        let escaped = OneLine.escaped(value)
        return escaped.count > 60 ? String(escaped.prefix(57)) + "..." : escaped
    }
}
