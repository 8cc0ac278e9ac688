import Foundation
import GRDB

/// A ledger in one SQLite file (the embedded default): writers serialise on SQLite's IMMEDIATE
/// transactions, waiting up to 30 s for the lock.
public final class SQLiteLedgerStore: LedgerStore, @unchecked Sendable {
    public let label: String
    public let existed: Bool
    let database: DatabaseQueue

    /// Opens (or, when `readOnly` is false and no file is there, creates) the ledger file at `path`.
    public init(path: String, readOnly: Bool = false) throws {
        label = path
        var status = stat()
        existed = stat(path, &status) == 0
        var configuration = Configuration()
        configuration.busyMode = .timeout(30)
        configuration.readonly = readOnly
        do {
            database = try DatabaseQueue(path: path, configuration: configuration)
        } catch let error as DatabaseError {
            throw LedgerError.storage(path: path, message: error.message ?? error.description)
        }
    }

    public func write<T>(_ body: (any LedgerSQL) throws -> T) throws -> T {
        try withoutActuallyEscaping(body) { body in
            do {
                var result: T?
                try database.inTransaction(.immediate) { db in
                    result = try body(SQLiteStatements(db: db))
                    return .commit
                }
                return result!
            } catch let error as DatabaseError {
                throw LedgerError.storage(path: label, message: error.message ?? error.description)
            }
        }
    }

    public func read<T>(_ body: (any LedgerSQL) throws -> T) throws -> T {
        try withoutActuallyEscaping(body) { body in
            do {
                return try database.read { db in try body(SQLiteStatements(db: db)) }
            } catch let error as DatabaseError {
                throw LedgerError.storage(path: label, message: error.message ?? error.description)
            }
        }
    }
}

/// Ledger statements on an SQLite connection.
struct SQLiteStatements: LedgerSQL {
    let db: Database

    /// A file's ledger is shared by processes on this machine: they are told apart by process id.
    func reservationHolder() -> Int64 { Int64(ProcessInfo.processInfo.processIdentifier) }

    func liveHolders(_ holders: Set<Int64>) -> Set<Int64> {
        holders.filter { kill(pid_t($0), 0) == 0 || errno == EPERM }
    }

    static func arguments(_ values: [any LedgerValueConvertible]) -> StatementArguments {
        StatementArguments(
            values.map { value -> (any DatabaseValueConvertible)? in
                switch value.ledgerValue {
                case .integer(let integer): return integer
                case .real(let real): return real
                case .text(let text): return text
                case .null: return nil
                }
            })
    }

    func execute(_ sql: String, _ arguments: [any LedgerValueConvertible]) throws {
        try db.execute(sql: sql, arguments: Self.arguments(arguments))
    }

    func rows(_ sql: String, _ arguments: [any LedgerValueConvertible]) throws -> [LedgerRow] {
        try Row.fetchAll(db, sql: sql, arguments: Self.arguments(arguments)).map { row in
            var values: [String: LedgerValue] = [:]
            for (column, value) in row {
                switch value.storage {
                case .int64(let integer): values[column] = .integer(integer)
                case .double(let real): values[column] = .real(real)
                case .string(let text): values[column] = .text(text)
                case .blob(let data): values[column] = .text(String(decoding: data, as: UTF8.self))
                case .null: values[column] = .null
                }
            }
            return LedgerRow(values: values)
        }
    }

    func insert(_ sql: String, _ arguments: [any LedgerValueConvertible]) throws -> Int64 {
        try execute(sql, arguments)
        return db.lastInsertedRowID
    }

    func tableExists(_ name: String) throws -> Bool { try db.tableExists(name) }

    func columnNames(of table: String) throws -> [String] { try db.columns(in: table).map(\.name) }
}
