import Foundation

/// A value bound to, or read from, a ledger statement.
public enum LedgerValue: Sendable, Equatable {
    case integer(Int64)
    case real(Double)
    case text(String)
    case null
    /// Bytes: no ledger column holds them, so a ledger edited by hand is the only source. Kept
    /// apart from text, since SQLite never finds a blob equal to the text of the same bytes: a
    /// dataset's charges stored as blobs would drop out of its spending yet hash as before.
    case blob([UInt8])
}

/// A Swift value the ledger stores in one column.
public protocol LedgerValueConvertible {
    var ledgerValue: LedgerValue { get }
    init?(ledgerValue: LedgerValue)
}

extension String: LedgerValueConvertible {
    public var ledgerValue: LedgerValue { .text(self) }
    public init?(ledgerValue: LedgerValue) {
        guard case .text(let text) = ledgerValue else { return nil }
        self = text
    }
}

extension Int64: LedgerValueConvertible {
    public var ledgerValue: LedgerValue { .integer(self) }
    public init?(ledgerValue: LedgerValue) {
        guard case .integer(let value) = ledgerValue else { return nil }
        self = value
    }
}

extension Int: LedgerValueConvertible {
    public var ledgerValue: LedgerValue { .integer(Int64(self)) }
    public init?(ledgerValue: LedgerValue) {
        guard case .integer(let value) = ledgerValue, let exact = Int(exactly: value) else { return nil }
        self = exact
    }
}

extension Double: LedgerValueConvertible {
    public var ledgerValue: LedgerValue { .real(self) }
    public init?(ledgerValue: LedgerValue) {
        switch ledgerValue {
        case .real(let value): self = value
        case .integer(let value): self = Double(value)
        default: return nil
        }
    }
}

extension Bool: LedgerValueConvertible {
    public var ledgerValue: LedgerValue { .integer(self ? 1 : 0) }
    public init?(ledgerValue: LedgerValue) {
        guard case .integer(let value) = ledgerValue, value == 0 || value == 1 else { return nil }
        self = value == 1
    }
}

extension Optional: LedgerValueConvertible where Wrapped: LedgerValueConvertible {
    public var ledgerValue: LedgerValue { self?.ledgerValue ?? .null }
    public init?(ledgerValue: LedgerValue) {
        if ledgerValue == .null {
            self = .none
            return
        }
        guard let value = Wrapped(ledgerValue: ledgerValue) else { return nil }
        self = .some(value)
    }
}

/// One row a ledger statement returned, by column name.
public struct LedgerRow: Sendable {
    public let values: [String: LedgerValue]

    public init(values: [String: LedgerValue]) { self.values = values }

    /// The column's value, or an error calling the ledger altered when it is NULL, missing or of
    /// another type: a ledger edited by hand gets a one-line refusal, never a trap.
    public func checked<Value: LedgerValueConvertible>(_ column: String) throws -> Value {
        guard let value: Value = try checkedOptional(column) else {
            throw LedgerError.tampered("a ledger row has no '\(column)': the ledger was altered")
        }
        return value
    }

    /// The column's value, nil when it is NULL or missing, or an error when it has another type.
    public func checkedOptional<Value: LedgerValueConvertible>(_ column: String) throws -> Value? {
        guard let stored = values[column], stored != .null else { return nil }
        guard let value = Value(ledgerValue: stored) else {
            throw LedgerError.tampered("a ledger row's '\(column)' has the wrong type: the ledger was altered")
        }
        return value
    }
}

/// The statements a ledger runs, inside one transaction of its store. Statements are written in
/// the SQL both SQLite and PostgreSQL read, with `?` placeholders; a store translates what
/// differs (placeholders, column types, how a new row's id comes back).
public protocol LedgerSQL {
    func execute(_ sql: String, _ arguments: [any LedgerValueConvertible]) throws
    func rows(_ sql: String, _ arguments: [any LedgerValueConvertible]) throws -> [LedgerRow]
    /// Runs an INSERT into a table with an `id` key and returns the new row's id.
    func insert(_ sql: String, _ arguments: [any LedgerValueConvertible]) throws -> Int64
    func tableExists(_ name: String) throws -> Bool
    func columnNames(of table: String) throws -> [String]
    /// What in the database's own structure the ledger never creates and that could make a query
    /// see other rows than a full scan does (an index edited to skip rows hid the charges from the
    /// spend while the chain's full scan still saw them); empty when sound.
    func structureProblems() throws -> [String]
    /// Who holds a reservation this process makes: a number by which `liveHolders` can tell
    /// whether the holder still runs, wherever the process that asks runs (a file's ledger: the
    /// process id on this machine; a database's: the server process of this connection).
    func reservationHolder() throws -> Int64
    /// The members of `holders` that still run. A holder that cannot be told dead counts as
    /// running: its whole reservation stays set aside.
    func liveHolders(_ holders: Set<Int64>) throws -> Set<Int64>
    /// The members of `holders` seen running from here (not those that merely cannot be told
    /// dead): a reservation one of them holds is not ended by hand.
    func seenRunning(_ holders: Set<Int64>) throws -> Set<Int64>
}

extension LedgerSQL {
    func execute(_ sql: String) throws { try execute(sql, []) }

    func rows(_ sql: String) throws -> [LedgerRow] { try rows(sql, []) }

    func row(_ sql: String, _ arguments: [any LedgerValueConvertible] = []) throws -> LedgerRow? {
        try rows(sql, arguments).first
    }

    /// The single column of each row, as text (numbers in decimal; nil for NULL).
    func strings(_ sql: String, _ arguments: [any LedgerValueConvertible] = []) throws -> [String?] {
        try rows(sql, arguments).map { row in
            switch row.values.first?.value ?? .null {
            case .text(let text): return text
            case .integer(let integer): return String(integer)
            case .real(let real): return String(real)
            case .null: return nil
            case .blob: throw LedgerError.tampered("a ledger value is stored as bytes: the ledger was altered")
            }
        }
    }

    /// The first column of the first row, as text.
    func string(_ sql: String, _ arguments: [any LedgerValueConvertible] = []) throws -> String? {
        try strings(sql, arguments).first ?? nil
    }
}

/// Where a ledger lives (an SQLite file, a PostgreSQL database): transactions in which writers
/// are serialised, so two processes charging one budget never both see room for their charge.
public protocol LedgerStore: Sendable {
    /// What messages call the ledger: its path or URL (never a password).
    var label: String { get }
    /// Whether the store holds a ledger (a file that existed before this process opened it,
    /// tables); read inside `write`.
    var existed: Bool { get throws }
    /// Runs `body` in a transaction that excludes every other writer until it commits.
    func write<T>(_ body: (any LedgerSQL) throws -> T) throws -> T
    /// Runs `body` in a transaction that sees one consistent state.
    func read<T>(_ body: (any LedgerSQL) throws -> T) throws -> T
}
