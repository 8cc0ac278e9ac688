import DPData
import DPLedger
import Foundation

/// A ledger in a PostgreSQL database, shared by every analyst who spends one dataset's budget:
/// the same tables, chain, reservations and refusals as the SQLite ledger, in a schema of their
/// own (`dpsynth_ledger`, or the URL's `schema` parameter).
///
/// Writers are serialised by a transaction-scoped advisory lock taken first in every write
/// transaction, so two processes on two machines never both see room for their charge; the lock
/// is released when the transaction commits or rolls back (also when a client dies), and the
/// server ends a session that stays idle inside a ledger transaction (a frozen client), so its
/// lock does not keep every other writer waiting. Each ledger schema has a lock of its own.
public final class PostgresLedgerStore: LedgerStore, @unchecked Sendable {
    public let label: String
    /// Whether the ledger's schema holds tables, as the transaction that asks sees it: `BudgetLedger`
    /// asks inside a write, after the writers' lock, so two first uses at once create them once
    /// (the write turns a database error into a `LedgerError`).
    public var existed: Bool {
        get throws {
            let found = try connection.execute(
                "SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema()",
                what: "opening the ledger")
            return (found.rows.first.flatMap { $0.first ?? nil }.flatMap { Int($0) } ?? 0) > 0
        }
    }
    let connection: PostgresConnection
    /// One statement at a time on the connection.
    let lock = NSLock()

    /// The advisory lock key this ledger's writers take: "dpsy" in the high 32 bits and 32 bits
    /// of the schema name's hash in the low ones, so ledgers in two schemas of one database
    /// seldom wait for each other (advisory locks are per database). A name, not the schema's
    /// object id: a schema dropped and created again under a long-lived process keeps its key.
    public let writerLock: Int64

    /// The high half of every ledger's writer lock key ("dpsy").
    static let writerLockPrefix: Int64 = 0x6470_7379

    /// The one key every ledger writer of earlier versions took, whatever the schema ("dpsynth").
    /// Writers also hold it shared, and the key the versions between took (`writerLockPrefix`
    /// above the schema's object id, read in the transaction), so a writer of an earlier version,
    /// which holds its key alone, waits for them and they for it; writers of this version never
    /// wait for each other on those keys.
    static let earlierWriterLock: Int64 = 0x6470_7379_6E74_68

    /// `writerLock` for the ledger in `schema`.
    static func writerLock(schema: String) -> Int64 {
        writerLockPrefix << 32 | Int64(UInt32(Blake2b.hex(Data(schema.utf8)).prefix(8), radix: 16)!)
    }

    /// How long the server lets a ledger session sit idle inside a transaction before it ends the
    /// session (rolling back, releasing the writers' lock). A ledger transaction never waits on
    /// anything but the server, so only a frozen or stalled client reaches it.
    let idleTransactionLimit: Duration

    /// Whether `location` names a database ledger rather than a file.
    public static func isDatabase(_ location: String) -> Bool { PostgresLocation.isDatabase(location) }

    /// How long a writer waits for the ledger's lock.
    let lockTimeout: Duration

    /// `duration` in whole milliseconds, at least 1 (PostgreSQL reads 0 as no limit).
    static func milliseconds(_ duration: Duration) -> Int64 {
        max(1, duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000)
    }

    /// Connects to the ledger at `url` (`postgresql://USER@HOST:PORT/DB[?schema=NAME]`; the
    /// password from PGPASSWORD or ~/.pgpass; the URL's rules are `PostgresURL`'s). A missing
    /// schema is created when `creating` (which needs the CREATE privilege on the database), and
    /// otherwise refused; an existing one is only used, so an analyst with rights on the ledger's
    /// tables alone can spend from it. A writer waits `lockTimeout` at most for the ledger's lock;
    /// a session idle for `idleTransactionLimit` inside a ledger transaction is ended by the server.
    public init(
        url: String, creating: Bool = true, lockTimeout: Duration = .seconds(60),
        idleTransactionLimit: Duration = .seconds(20)
    ) throws {
        self.lockTimeout = lockTimeout
        self.idleTransactionLimit = idleTransactionLimit
        let parsed: PostgresURL
        do {
            parsed = try PostgresURL(url, ownParameters: ["schema"])
        } catch {
            // The URL is not repeated: a refused one may hold a secret.
            throw LedgerError.invalid("the ledger URL: \(error.problem). \(error.hint)")
        }
        let schema = parsed.own["schema"] ?? "dpsynth_ledger"
        guard !schema.isEmpty else { throw LedgerError.invalid("ledger \(url): the schema parameter is empty") }
        label = url
        do {
            connection = try PostgresConnection(url: parsed.connection, label: url)
            let schemas = try connection.execute(
                "SELECT count(*) FROM pg_namespace WHERE nspname = $1", [schema], what: "opening the ledger")
            let present = (schemas.rows.first?.first ?? nil).flatMap { Int($0) }.map { $0 > 0 } ?? false
            if !present {
                guard creating else {
                    throw LedgerError.unknownDataset(
                        "ledger \(url): no ledger in schema '\(schema)'; declare a budget first (`dpsynth ledger "
                            + "init`), or check the URL's schema parameter")
                }
                do {
                    try connection.execute(
                        "CREATE SCHEMA IF NOT EXISTS \(SQLText.identifier(schema))", what: "preparing the ledger")
                } catch let error as DataError where ["23505", "42P06"].contains(error.databaseState ?? "") {
                    // Another first use created it at the same moment (IF NOT EXISTS checks before
                    // it inserts): the schema is there, as asked.
                }
            }
            // Unqualified names are the ledger's tables; `pg_catalog` is searched first all the
            // same, and every function call passes typed arguments, so a function planted in the
            // ledger's schema matches no call better than the built-in one it would shadow.
            try connection.execute(
                "SET search_path TO \(SQLText.identifier(schema)); "
                    + "SET idle_in_transaction_session_timeout = \(Self.milliseconds(idleTransactionLimit))",
                what: "preparing the ledger")
            writerLock = Self.writerLock(schema: schema)
        } catch let error as DataError {
            throw LedgerError.storage(path: url, message: error.problem)
        }
    }

    public func write<T>(_ body: (any LedgerSQL) throws -> T) throws -> T {
        try transaction(begin: "BEGIN ISOLATION LEVEL READ COMMITTED", lock: true, body)
    }

    public func read<T>(_ body: (any LedgerSQL) throws -> T) throws -> T {
        try transaction(begin: "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", lock: false, body)
    }

    func transaction<T>(begin: String, lock writer: Bool, _ body: (any LedgerSQL) throws -> T) throws -> T {
        lock.lock()
        defer { lock.unlock() }
        do {
            try connection.execute(begin, what: "starting a ledger transaction")
            do {
                if writer {
                    // Any user of the database can take the same advisory lock: a writer waits
                    // `lockTimeout` at most, then gives up with a message, rather than forever.
                    // A charge is on disk when COMMIT returns, whatever a role's setting: the noisy
                    // answer it pays for leaves the process next.
                    try connection.execute(
                        "SET LOCAL lock_timeout = \(Self.milliseconds(lockTimeout)); "
                            + "SELECT set_config('synchronous_commit', 'on', true) "
                            + "WHERE current_setting('synchronous_commit') = 'off'",
                        what: "locking the ledger")
                    do {
                        // One round trip: the earlier versions' keys shared (the object id's read
                        // here), then this ledger's own.
                        try connection.execute(
                            "SELECT pg_catalog.pg_advisory_xact_lock_shared($1::int8), "
                                + "pg_catalog.pg_advisory_xact_lock_shared((SELECT ($2::int8 OPERATOR(pg_catalog.<<) "
                                + "32) OPERATOR(pg_catalog.|) n.oid::pg_catalog.int8 FROM pg_catalog.pg_namespace n "
                                + "WHERE n.nspname OPERATOR(pg_catalog.=) pg_catalog.current_schema())), "
                                + "pg_catalog.pg_advisory_xact_lock($3::int8)",
                            [String(Self.earlierWriterLock), String(Self.writerLockPrefix), String(writerLock)],
                            what: "locking the ledger")
                    } catch let error as DataError where error.databaseState == "55P03" {
                        throw LedgerError.storage(
                            path: label,
                            message: "another session has held the ledger's writer lock for \(lockTimeout); "
                                + "nothing was written, run the command again later")
                    }
                }
                let result = try body(PostgresStatements(connection: connection))
                try connection.execute("COMMIT", what: "committing to the ledger")
                return result
            } catch {
                _ = try? connection.execute("ROLLBACK", what: "rolling back")
                throw error
            }
        } catch let error as DataError {
            throw LedgerError.storage(path: label, message: error.problem)
        }
    }
}

/// Ledger statements on a PostgreSQL connection: `?` placeholders become `$n`, and the table
/// definitions' SQLite types become PostgreSQL's (64-bit integers, double precision, identity keys).
struct PostgresStatements: LedgerSQL {
    let connection: PostgresConnection

    /// A database's ledger is shared by processes on many machines, so a process id means
    /// nothing to another: a reservation is held by the server process of the connection that
    /// made it, which ends when the client does (also when it is killed), and which every client
    /// of the server can see in `pg_stat_activity`.
    func reservationHolder() throws -> Int64 {
        guard let text = try connection.execute("SELECT pg_backend_pid()", what: "reserving").rows.first?.first ?? nil,
            let pid = Int64(text)
        else { throw LedgerError.storage(path: connection.label, message: "the server gave no process id") }
        return pid
    }

    /// A server process is seen from every client: the running holders are the live ones.
    func seenRunning(_ holders: Set<Int64>) throws -> Set<Int64> { try liveHolders(holders) }

    func liveHolders(_ holders: Set<Int64>) throws -> Set<Int64> {
        guard !holders.isEmpty else { return [] }
        let list = "{" + holders.map(String.init).joined(separator: ",") + "}"
        let rows = try connection.execute(
            "SELECT pid FROM pg_stat_activity WHERE pid = ANY($1::int4[])", [list], what: "reading reservations")
        return Set(rows.rows.compactMap { $0.first.flatMap { $0.flatMap { Int64($0) } } })
    }

    /// Type OIDs read as numbers.
    static let integerTypes: Set<UInt32> = [20, 21, 23]
    static let realTypes: Set<UInt32> = [700, 701, 1700]
    static let booleanType: UInt32 = 16

    static func translated(_ sql: String) -> String {
        var text = ""
        var number = 0
        var quoted = false
        for character in sql {
            if character == "'" { quoted.toggle() }
            if character == "?" && !quoted {
                number += 1
                text += "$\(number)"
            } else {
                text.append(character)
            }
        }
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines).uppercased()
        guard trimmed.hasPrefix("CREATE") || trimmed.hasPrefix("ALTER") else { return text }
        return
            text
            .replacingOccurrences(
                of: "INTEGER PRIMARY KEY AUTOINCREMENT", with: "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY"
            )
            .replacingOccurrences(of: " INTEGER", with: " BIGINT")
            .replacingOccurrences(of: " REAL", with: " DOUBLE PRECISION")
    }

    static func text(_ value: any LedgerValueConvertible) -> String? {
        switch value.ledgerValue {
        case .integer(let integer): return String(integer)
        // Shortest round-trip form: the value read back is the same double.
        case .real(let real): return "\(real)"
        case .text(let text): return text
        case .blob(let bytes): return "\\x" + bytes.map { String(format: "%02x", $0) }.joined()
        case .null: return nil
        }
    }

    func run(_ sql: String, _ arguments: [any LedgerValueConvertible]) throws -> PostgresConnection.Result {
        try connection.execute(Self.translated(sql), arguments.map(Self.text), what: "a ledger statement")
    }

    func execute(_ sql: String, _ arguments: [any LedgerValueConvertible]) throws {
        _ = try run(sql, arguments)
    }

    func rows(_ sql: String, _ arguments: [any LedgerValueConvertible]) throws -> [LedgerRow] {
        let result = try run(sql, arguments)
        return try result.rows.map { row in
            var values: [String: LedgerValue] = [:]
            for (index, column) in result.columns.enumerated() {
                guard let text = row[index] else {
                    values[column] = .null
                    continue
                }
                let type = result.types[index]
                if Self.integerTypes.contains(type) {
                    guard let integer = Int64(text) else { throw LedgerError.tampered("unreadable '\(column)'") }
                    values[column] = .integer(integer)
                } else if Self.realTypes.contains(type) {
                    guard let real = Double(text) else { throw LedgerError.tampered("unreadable '\(column)'") }
                    values[column] = .real(real)
                } else if type == Self.booleanType {
                    values[column] = .integer(text == "t" ? 1 : 0)
                } else {
                    values[column] = .text(text)
                }
            }
            return LedgerRow(values: values)
        }
    }

    func insert(_ sql: String, _ arguments: [any LedgerValueConvertible]) throws -> Int64 {
        let result = try run(sql + " RETURNING id", arguments)
        guard let text = result.rows.first?.first ?? nil, let id = Int64(text) else {
            throw LedgerError.storage(path: connection.label, message: "an insert returned no id")
        }
        return id
    }

    /// The ledger's schema, by its name as stored (`current_schema()` is not an identifier to
    /// parse: a name that needs quoting would read as another schema, or none).
    static let ledgerNamespace =
        "(SELECT n.oid FROM pg_catalog.pg_namespace n WHERE n.nspname OPERATOR(pg_catalog.=) "
        + "pg_catalog.current_schema())"

    /// What in the ledger's schema could make a query see other rows than a full scan does, or
    /// a write do other than it says: a trigger, a rule, row security (a policy that hides the
    /// charges from the spend's query), an object other than a table, index or sequence (a view
    /// in a table's place filters what the spend's query reads), or a column of a type that is
    /// not built in (whose own operators could compare otherwise). PostgreSQL keeps indexes
    /// consistent with their tables.
    func structureProblems() throws -> [String] {
        let namespace = Self.ledgerNamespace
        let found = try connection.execute(
            """
            SELECT 'trigger ' || t.tgname FROM pg_catalog.pg_trigger t \
            JOIN pg_catalog.pg_class c ON c.oid = t.tgrelid \
            WHERE c.relnamespace = \(namespace) AND NOT t.tgisinternal \
            UNION ALL SELECT 'rule ' || r.rulename FROM pg_catalog.pg_rewrite r \
            JOIN pg_catalog.pg_class c ON c.oid = r.ev_class \
            WHERE c.relnamespace = \(namespace) AND c.relkind = 'r' \
            UNION ALL SELECT 'row security on ' || c.relname FROM pg_catalog.pg_class c \
            WHERE c.relnamespace = \(namespace) AND (c.relrowsecurity OR c.relforcerowsecurity) \
            UNION ALL SELECT 'relation ' || c.relname || ' of kind ' || c.relkind::text FROM pg_catalog.pg_class c \
            WHERE c.relnamespace = \(namespace) AND c.relkind NOT IN ('r', 'i', 'S') \
            UNION ALL SELECT 'column ' || c.relname || '.' || a.attname || ' of a type not built in' \
            FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_class c ON c.oid = a.attrelid \
            JOIN pg_catalog.pg_type y ON y.oid = a.atttypid \
            WHERE c.relnamespace = \(namespace) AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped \
            AND y.typnamespace <> 'pg_catalog'::pg_catalog.regnamespace
            """, what: "reading the ledger's structure")
        return found.rows.compactMap { $0.first ?? nil }.map {
            "the ledger's schema holds a \($0) that dpsynth never creates: it was altered"
        }
    }

    /// Whether the ledger's schema holds a table (not a view or any other relation) named `name`.
    func tableExists(_ name: String) throws -> Bool {
        let result = try connection.execute(
            """
            SELECT count(*) FROM pg_catalog.pg_class c WHERE c.relnamespace = \(Self.ledgerNamespace) \
            AND c.relkind = 'r' AND c.relname OPERATOR(pg_catalog.=) $1
            """, [name], what: "reading the ledger's tables")
        return (result.rows.first?.first ?? nil).flatMap { Int($0) }.map { $0 > 0 } ?? false
    }

    func columnNames(of table: String) throws -> [String] {
        try connection.execute(
            """
            SELECT column_name FROM information_schema.columns
            WHERE table_schema = current_schema() AND table_name = $1
            """, [table], what: "reading the ledger's columns"
        ).rows.compactMap { $0.first ?? nil }
    }
}

/// Opens a ledger wherever it lives: a PostgreSQL URL (`PostgresLedgerStore`) or a file path
/// (the SQLite default). Every command and config key that names a ledger goes through here.
public enum LedgerOpener {
    /// The ledger at `location`, created there when missing and `creating` (a command that
    /// declares a budget); otherwise a missing ledger is refused and nothing is created.
    public static func open(_ location: String, creating: Bool = true) throws -> BudgetLedger {
        PostgresLedgerStore.isDatabase(location)
            ? try BudgetLedger(store: try PostgresLedgerStore(url: location, creating: creating))
            : try BudgetLedger(path: location, creating: creating)
    }

    /// `BudgetLedger.verify` for the ledger at `location`.
    public static func verify(
        _ location: String, anchors: [(String, LedgerHead)] = [], listed: [(String, LedgerStatement)] = []
    ) throws -> LedgerVerification {
        PostgresLedgerStore.isDatabase(location)
            ? try BudgetLedger.verify(
                store: try PostgresLedgerStore(url: location, creating: false), anchors: anchors, listed: listed)
            : try BudgetLedger.verify(path: location, anchors: anchors, listed: listed)
    }
}
