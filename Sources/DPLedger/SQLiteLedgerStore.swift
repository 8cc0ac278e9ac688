import Foundation
import GRDB

/// A ledger in one SQLite file (the embedded default): writers serialise on SQLite's IMMEDIATE
/// transactions, waiting up to 30 s for the lock.
public final class SQLiteLedgerStore: LedgerStore, @unchecked Sendable {
    public let label: String
    public let existed: Bool
    let database: DatabaseQueue
    /// Who holds the reservations this store makes (`LocalHolder`).
    let holder: Int64

    /// Opens (or, when `readOnly` is false and no file is there, creates) the ledger file at `path`.
    public convenience init(path: String, readOnly: Bool = false) throws {
        try self.init(path: path, readOnly: readOnly, holder: LocalHolder.current)
    }

    /// The store whose reservations `holder` holds: this process's, or, in tests, another's.
    init(path: String, readOnly: Bool, holder: Int64) throws {
        label = path
        self.holder = holder
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

    /// A writer killed inside a transaction leaves a journal of the pages it overwrote, which
    /// SQLite plays back on the next open that may write: until then a read-only open refuses the
    /// file. Playing it back restores the ledger as its last commit left it, as any later command
    /// would; a journal another writer still holds is not played back (SQLite waits for it).
    static func rollBackInterruptedWrite(path: String) throws {
        guard FileManager.default.fileExists(atPath: path + "-journal") else { return }
        let store = try SQLiteLedgerStore(path: path, readOnly: false)
        _ = try store.read { try $0.rows("SELECT count(*) FROM sqlite_master") }
    }

    public func write<T>(_ body: (any LedgerSQL) throws -> T) throws -> T {
        try withoutActuallyEscaping(body) { body in
            do {
                var result: T?
                try database.inTransaction(.immediate) { db in
                    result = try body(SQLiteStatements(db: db, holder: holder))
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
                return try database.read { db in try body(SQLiteStatements(db: db, holder: holder)) }
            } catch let error as DatabaseError {
                throw LedgerError.storage(path: label, message: error.message ?? error.description)
            }
        }
    }
}

/// Ledger statements on an SQLite connection.
struct SQLiteStatements: LedgerSQL {
    let db: Database
    let holder: Int64

    /// A file's ledger is shared by processes that see the file: they are told apart by process
    /// id, tagged with where that id is read (`LocalHolder`).
    func reservationHolder() -> Int64 { holder }

    func liveHolders(_ holders: Set<Int64>) -> Set<Int64> { holders.filter(LocalHolder.mayRun) }

    func seenRunning(_ holders: Set<Int64>) -> Set<Int64> { holders.filter(LocalHolder.runsHere) }

    static func arguments(_ values: [any LedgerValueConvertible]) -> StatementArguments {
        StatementArguments(
            values.map { value -> (any DatabaseValueConvertible)? in
                switch value.ledgerValue {
                case .integer(let integer): return integer
                case .real(let real): return real
                case .text(let text): return text
                case .blob(let bytes): return Data(bytes)
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
                case .blob(let data): values[column] = .blob(Array(data))
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

    /// Objects the ledger never creates: an index, trigger or view of anyone's, or one of SQLite's
    /// own indexes given a definition.
    func structureProblems() throws -> [String] {
        var problems: [String] = []
        for row in try Row.fetchAll(db, sql: "SELECT type, name, sql FROM sqlite_master") {
            let (type, name, sql): (String, String, String?) = (row["type"], row["name"], row["sql"])
            let own = type == "table" || (type == "index" && name.hasPrefix("sqlite_autoindex_") && sql == nil)
            if !own {
                problems.append("the ledger holds a \(type) '\(name)' that dpsynth never creates: it was altered")
            }
        }
        return problems
    }

    func columnNames(of table: String) throws -> [String] { try db.columns(in: table).map(\.name) }
}
