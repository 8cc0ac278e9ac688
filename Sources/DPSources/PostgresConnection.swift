import CLibPQ
import DPData
import Foundation

/// One connection to a PostgreSQL server through libpq, which reads the password from
/// `PGPASSWORD` or `~/.pgpass` and negotiates TLS as the URL's `sslmode` says.
///
/// Statements are sent with their values as parameters (`$1`, `$2`, ...), never spliced into the
/// text. Errors name the place (`label`) and the database's SQLSTATE; the server's own message is
/// kept only for classes that describe the statement or the connection, never for data
/// exceptions, whose messages can quote a row's value, nor for a name a row's value gave.
public final class PostgresConnection {
    let handle: OpaquePointer
    /// What errors name: the URL of the table being read.
    public let label: String

    public init(url: String, label: String) throws {
        guard let handle = PQconnectdb(url) else {
            throw DataError(file: label, problem: "cannot allocate a connection", hint: "Retry.")
        }
        self.handle = handle
        self.label = label
        guard PQstatus(handle) == CONNECTION_OK else {
            // `deinit` finishes the handle: the object is whole, so it runs when init throws.
            let reason = Self.oneLine(String(cString: PQerrorMessage(handle)))
            throw DataError(
                file: label, problem: "cannot connect (\(reason))",
                hint: "Check host, port, user and database; the password goes in PGPASSWORD or ~/.pgpass.")
        }
        // The server's notices (e.g. "already exists, skipping") are not the user's business.
        PQsetNoticeProcessor(handle, { _, _ in }, nil)
        try execute(Self.pinnedSettings, what: "preparing the session")
    }

    /// Settings every statement relies on, whatever the server's, database's or role's defaults:
    /// functions and types resolve in `pg_catalog` alone (a schema other users can write to could
    /// hold a function that matches a call more closely than the built-in one and would see every
    /// value passed to it; tables are always named with their schema, and the session's own
    /// temporary tables are found in `pg_temp`); backslashes in string literals are literal (the
    /// patterns in `SQLColumnCode`); doubles are written in full (a float's text is read back as
    /// the same double, for codes and for the ledger); texts travel as UTF-8 (the schema's
    /// categories are compared with the table's values); dates, times, intervals and bytes are
    /// written in one form whatever a role prefers: the forms a server's defaults give COPY (ISO
    /// dates, PostgreSQL's own interval style, hexadecimal bytes), with times in UTC. A run keeps
    /// its sessions open, idle while it computes between counts, and a count may take long: the
    /// timeouts a role or server sets on statements and idle sessions are off (those the server
    /// knows), so that none ends a run after it has charged. A lock is waited for 60 s at most: a
    /// run holds its table's identity locked (`RowSourcesLease`), and a change to the table
    /// queued behind that lock would otherwise keep the run's next session waiting, and itself,
    /// for ever; the run's sessions take their locks before it charges anything.
    /// The longest a session waits for a lock on a table it reads.
    static let lockWait = Duration.seconds(60)

    static let pinnedSettings = """
        SET search_path = pg_catalog, pg_temp; SET standard_conforming_strings = on; \
        SET extra_float_digits = 3; SET client_encoding = 'UTF8'; SET DateStyle = 'ISO, YMD'; \
        SET IntervalStyle = 'postgres'; SET TimeZone = 'UTC'; SET bytea_output = 'hex'; \
        SET lock_timeout = '\(lockWait.components.seconds)s'; \
        SELECT set_config(name, '0', false) FROM pg_settings \
        WHERE name IN ('statement_timeout', 'idle_in_transaction_session_timeout', 'idle_session_timeout', \
        'transaction_timeout')
        """

    deinit { PQfinish(handle) }

    /// The rows a statement returned, as text (nil for NULL), and each column's type OID.
    public struct Result {
        public let columns: [String]
        public let types: [UInt32]
        public let rows: [[String?]]
    }

    /// Runs `sql` with `parameters` bound to `$1...` (nil for NULL); `what` says what the
    /// statement was for.
    @discardableResult
    public func execute(_ sql: String, _ parameters: [String?] = [], what: String) throws -> Result {
        // libpq passes each value as a C string, which would end at a NUL: the server would store or
        // compare a shorter value than the caller's.
        guard !parameters.contains(where: { $0?.utf8.contains(0) ?? false }) else {
            throw DataError(
                file: label, problem: "\(what): a value holds a NUL character (\\0), which PostgreSQL's text cannot",
                hint: "Remove the NUL character from the name or value given.")
        }
        // Without parameters the simple protocol runs, which accepts several statements at once.
        let result =
            parameters.isEmpty
            ? PQexec(handle, sql)
            : parameters.withCStrings { pointers in
                PQexecParams(handle, sql, Int32(parameters.count), nil, pointers, nil, nil, 0)
            }
        guard let result else {
            throw DataError(file: label, problem: "\(what): no answer from the server", hint: "Check the connection.")
        }
        defer { PQclear(result) }
        let status = PQresultStatus(result)
        guard status == PGRES_TUPLES_OK || status == PGRES_COMMAND_OK else {
            throw error(result, what: what)
        }
        let columnCount = Int(PQnfields(result))
        let columns = (0..<columnCount).map { String(cString: PQfname(result, Int32($0))) }
        let rows = (0..<Int(PQntuples(result))).map { row in
            (0..<columnCount).map { column -> String? in
                PQgetisnull(result, Int32(row), Int32(column)) == 1
                    ? nil : String(cString: PQgetvalue(result, Int32(row), Int32(column)))
            }
        }
        let types = (0..<columnCount).map { UInt32(PQftype(result, Int32($0))) }
        return Result(columns: columns, types: types, rows: rows)
    }

    /// Streams the rows of `sql` through a server-side cursor, `batch` rows at a time, inside a
    /// read-only transaction (the session's, when one is open): memory holds one batch, whatever
    /// the table's size.
    public func forEachBatch(
        _ sql: String, _ parameters: [String?] = [], batch: Int = 10_000, what: String,
        _ body: ([[String?]]) throws -> Void
    ) throws {
        let own = PQtransactionStatus(handle) == PQTRANS_IDLE
        if own { try execute("BEGIN TRANSACTION READ ONLY", what: what) }
        do {
            try execute("DECLARE dpsynth_rows NO SCROLL CURSOR FOR " + sql, parameters, what: what)
            while true {
                let rows: [[String?]]
                do {
                    rows = try execute("FETCH FORWARD \(batch) FROM dpsynth_rows", what: what).rows
                } catch let error as DataError
                    where error.databaseState.map({ !Self.sessionClasses.contains(String($0.prefix(2))) }) ?? false
                {
                    // Raised while rows are computed (a value a cast or a function refused): it
                    // tells of the private rows, even with its message withheld.
                    throw error.inPrivateRows
                }
                if rows.isEmpty { break }
                try body(rows)
            }
            try execute(own ? "COMMIT" : "CLOSE dpsynth_rows", what: what)
        } catch {
            _ = try? execute(own ? "ROLLBACK" : "CLOSE dpsynth_rows", what: what)
            throw error
        }
    }

    /// SQLSTATE classes of the session's state, not of a row: a lost connection, a rollback
    /// (deadlock, serialization), resources, an operator's intervention (a timeout, a shutdown),
    /// an object in use. A refusal of these while rows are read tells nothing of them.
    static let sessionClasses: Set<String> = ["08", "40", "53", "55", "57", "58"]

    /// SQLSTATE classes whose messages describe the statement or the session, not a value, when
    /// the server raises them.
    static let describedClasses: Set<String> = ["08", "28", "3D", "3F", "42", "53", "57", "58"]
    /// Of those, the classes whose messages name a database, schema, relation, type or right: a
    /// row's value cast to a name (`::regclass`, `::regnamespace`, `nextval(value)`) raises them as
    /// rows are read.
    static let namingClasses: Set<String> = ["3D", "3F", "42"]
    /// What a withheld message of these states said, in words of ours that name nothing.
    static let withheldStates: [String: String] = [
        "42501": "permission denied", "42P01": "a relation does not exist", "42703": "a column does not exist",
        "42704": "an object does not exist", "42883": "a function does not exist",
        "3F000": "a schema does not exist", "3D000": "a database does not exist",
    ]

    func error(_ result: OpaquePointer, what: String) -> DataError {
        if PQstatus(handle) != CONNECTION_OK {
            return DataError(
                file: label, problem: "\(what): the connection to the server was lost",
                hint: "Check that the server is running, then run the command again.")
        }
        let state = PQresultErrorField(result, Int32(UInt8(ascii: "C"))).map { String(cString: $0) } ?? "?????"
        if state == "55P03" {
            var refusal = DataError(
                file: label,
                problem:
                    "\(what): waited \(Self.lockWait.components.seconds) s for a lock on the table, which a change "
                    + "to it (ALTER, VACUUM FULL, CLUSTER, ...) holds or waits for",
                hint: "Run again once that change is done.")
            refusal.databaseState = state
            return refusal
        }
        let message = PQresultErrorField(result, Int32(UInt8(ascii: "M"))).map { String(cString: $0) } ?? ""
        // An error raised inside a function's body (it has a context) says what that code chose,
        // which may be a value it read, whatever its class: withheld.
        let raisedInCode = PQresultErrorField(result, Int32(UInt8(ascii: "W"))).map { $0.pointee != 0 } ?? false
        // A message that names a relation, type or schema was raised while the statement's text was
        // analysed only when it points into that text; without a position it may name a row's value
        // used as a name (`value::regclass`): withheld.
        let positioned = PQresultErrorField(result, Int32(UInt8(ascii: "P"))) != nil
        let shown =
            Self.describedClasses.contains(String(state.prefix(2))) && !raisedInCode
                && (positioned || !Self.namingClasses.contains(String(state.prefix(2))))
            ? ": " + Self.oneLine(message) : Self.withheldStates[state].map { ": " + $0 } ?? ""
        var refusal = DataError(
            file: label, problem: "\(what): the database refused (SQLSTATE \(state)\(shown))",
            hint: "Check the table and the schema's columns; the server's log has the details.")
        refusal.databaseState = state
        return refusal
    }

    static func oneLine(_ text: String) -> String {
        text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }.joined(separator: "; ")
    }
}

extension Array where Element == String? {
    /// Calls `body` with C strings for the elements (null pointers for nil), valid during the call.
    func withCStrings<R>(_ body: ([UnsafePointer<CChar>?]) -> R) -> R {
        let copies = map { $0.map { strdup($0) } ?? nil }
        defer { for copy in copies { free(copy) } }
        return body(copies.map { UnsafePointer($0) })
    }
}
