import DPData
import DPSources
import DPTestSupport
import Foundation
import Testing

/// What a role's or a database's settings, or another user's objects, cannot change: every
/// session pins the settings its statements rely on, so the database reads values as the CSV
/// reader does and no planted function sees them.
@Suite(.enabled(if: TestPostgres.available, Comment(rawValue: TestPostgres.skipMessage)))
struct PostgresSessionTests {
    static let schema = """
        name: settings
        columns:
          - {name: colour, kind: categorical, categories: [red, blue], missing: own-category, out_of_domain: missing}
          - {name: score, kind: real, lower: 0, upper: 10, edges: [0, 3, 10]}
          - {name: level, kind: coded, levels: 4}

        """

    /// A role whose search path starts with a schema holding `array_position(text[], text)` (an
    /// exact match for the call that codes a category, which PostgreSQL prefers to the built-in
    /// generic one), whose floats print with 15 digits and whose string literals read
    /// backslashes as escapes; a column compared case-insensitively.
    static func hostileRole(admin: PostgresConnection) throws -> (role: String, spy: String) {
        let suffix = UUID().uuidString.prefix(8).lowercased()
        let (role, spy) = ("victim_\(suffix)", "spy_\(suffix)")
        try admin.execute(
            """
            CREATE SCHEMA \(spy); CREATE TABLE \(spy).seen (value text); \
            CREATE FUNCTION \(spy).array_position(list text[], value text) RETURNS int LANGUAGE sql \
            SECURITY DEFINER AS $$ INSERT INTO \(spy).seen VALUES (value); \
            SELECT pg_catalog.array_position(list, value) $$; \
            GRANT USAGE ON SCHEMA \(spy) TO PUBLIC; \
            CREATE ROLE \(role) LOGIN; ALTER ROLE \(role) SET search_path = \(spy), public; \
            ALTER ROLE \(role) SET extra_float_digits = 0; ALTER ROLE \(role) SET standard_conforming_strings = off
            """, what: "preparing")
        return (role, spy)
    }

    /// A new login role named from `prefix`, with `settings` as its own defaults.
    static func role(_ prefix: String, admin: PostgresConnection, settings: [String: String]) throws -> String {
        let role = prefix + "_" + UUID().uuidString.prefix(8).lowercased()
        try admin.execute(
            (["CREATE ROLE \(role) LOGIN"]
                + settings.sorted { $0.key < $1.key }.map { "ALTER ROLE \(role) SET \($0.key) = '\($0.value)'" })
                .joined(separator: "; "), what: "preparing")
        return role
    }

    @Test func aRolesSettingsAndAPlantedFunctionChangeNothing() throws {
        let admin = try PostgresConnection(url: TestPostgres.servers[0], label: "test")
        let (role, spy) = try Self.hostileRole(admin: admin)
        let collation = "ci_" + UUID().uuidString.prefix(8).lowercased()
        try admin.execute(
            "CREATE COLLATION public.\(collation) (provider = icu, locale = 'und-u-ks-level2', deterministic = false)",
            what: "preparing")
        let rows: [[String?]] = [
            ["red", "2.9999999999999996", "1"], ["RED", "3", "2"], ["blue", "0.5", "3"], ["Blue", "9", "0"],
        ]
        let url = try TestPostgres.table(
            columns: [("colour", "text COLLATE public.\(collation)"), ("score", "float8"), ("level", "text")],
            rows: rows)
        let table = String(url.split(separator: ".").last!)
        try admin.execute("GRANT SELECT ON public.\(table) TO \(role)", what: "granting")
        let schema = try SchemaLoader.parse(Self.schema)
        let location = try PostgresLocation(
            url.replacingOccurrences(of: "postgresql://postgres@", with: "postgresql://\(role)@"), key: "--data")
        let codes = try PostgresTable(location: location, schema: schema).load().codes
        // The CSV reader's codes: case matters, 2.9999999999999996 is below the edge at 3.
        #expect(codes[0] == [0, 2, 1, 2], "\(codes[0])")
        #expect(codes[1] == [0, 1, 0, 1], "\(codes[1])")
        let counts = try PostgresCounts(PostgresTable(location: location, schema: schema))
        #expect(try counts.marginals([[0, 1]])[0].total == rows.count)
        let seen = try admin.execute("SELECT count(*) FROM \(spy).seen", what: "reading")
        #expect(seen.rows.first?.first == "0", "the planted function saw the table's values")

        // A pattern whose backslash a non-standard literal would drop: 1e0 is no whole number.
        let loose = try TestPostgres.table(
            columns: [("colour", "text"), ("score", "float8"), ("level", "text")], rows: [["red", "1", "1e0"]])
        try admin.execute(
            "GRANT SELECT ON public.\(String(loose.split(separator: ".").last!)) TO \(role)", what: "granting")
        let looseLocation = try PostgresLocation(
            loose.replacingOccurrences(of: "postgresql://postgres@", with: "postgresql://\(role)@"), key: "--data")
        #expect(throws: DataError.self) { try PostgresTable(location: looseLocation, schema: schema).load() }
    }

    /// A role whose dates print day first, whose intervals print verbosely, whose time zone is
    /// Chatham's and whose bytes print as escapes: values read as text are still ISO dates,
    /// instants in UTC, intervals in PostgreSQL's default style and hexadecimal bytes, as COPY
    /// writes them under a server's defaults (with times in UTC).
    @Test func aRolesDateTimeAndByteStylesChangeNothing() throws {
        let admin = try PostgresConnection(url: TestPostgres.servers[0], label: "test")
        let role = try Self.role(
            "styled", admin: admin,
            settings: [
                "DateStyle": "SQL, DMY", "IntervalStyle": "postgres_verbose", "TimeZone": "Pacific/Chatham",
                "bytea_output": "escape",
            ])
        let url = try TestPostgres.table(
            columns: [("day", "date"), ("instant", "timestamptz"), ("span", "interval"), ("bytes", "bytea")],
            rows: [["2024-03-05", "2024-03-05 10:00:00+00", "1 day 2 hours", "\\x6869"]])
        try admin.execute(
            "GRANT SELECT ON public.\(String(url.split(separator: ".").last!)) TO \(role)", what: "granting")
        let schema = try SchemaLoader.parse(
            """
            name: styles
            columns:
              - {name: day, kind: categorical, categories: ["2024-03-05"], out_of_domain: missing, \
            missing: own-category}
              - {name: instant, kind: categorical, categories: ["2024-03-05 10:00:00+00"], out_of_domain: missing, \
            missing: own-category}
              - {name: span, kind: categorical, categories: ["1 day 02:00:00"], out_of_domain: missing, \
            missing: own-category}
              - {name: bytes, kind: categorical, categories: ["\\\\x6869"], out_of_domain: missing, \
            missing: own-category}

            """)
        let location = try PostgresLocation(
            url.replacingOccurrences(of: "postgresql://postgres@", with: "postgresql://\(role)@"), key: "--data")
        let codes = try PostgresTable(location: location, schema: schema).load().codes
        #expect(codes == [[0], [0], [0], [0]], "\(codes)")
    }

    /// A session the server ends (an administrator's `pg_terminate_backend`, a restart) is an
    /// error that says the connection was lost, not a statement's SQLSTATE.
    @Test func aLostConnectionSaysSo() throws {
        let session = try PostgresConnection(url: TestPostgres.servers[0], label: "session")
        let pid = try #require(try session.execute("SELECT pg_backend_pid()", what: "reading").rows.first?.first ?? nil)
        let admin = try PostgresConnection(url: TestPostgres.servers[0], label: "test")
        try admin.execute("SELECT pg_terminate_backend($1::int4, 10000)", [pid], what: "terminating")
        do {
            try session.execute("SELECT 1", what: "counting")
            Issue.record("a terminated session answered")
        } catch let error as DataError {
            #expect(error.description.contains("counting: the connection to the server was lost"), "\(error)")
        }
    }

    /// A role whose statements and idle transactions time out within a tenth of a second: a
    /// session waits in its transaction (as a run does between counts) and runs a long statement,
    /// and neither ends it.
    @Test func aRolesTimeoutsEndNoSession() throws {
        let admin = try PostgresConnection(url: TestPostgres.servers[0], label: "test")
        let role = try Self.role(
            "hurried", admin: admin,
            settings: [
                "statement_timeout": "100ms", "idle_in_transaction_session_timeout": "100ms",
                "idle_session_timeout": "100ms",
            ])
        let session = try PostgresConnection(
            url: TestPostgres.servers[0].replacingOccurrences(
                of: "postgresql://postgres@", with: "postgresql://\(role)@"),
            label: "session")
        try session.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", what: "counting")
        Thread.sleep(forTimeInterval: 0.4)
        try session.execute("SELECT pg_sleep(0.3)", what: "counting")
        try session.execute("COMMIT", what: "counting")
        Thread.sleep(forTimeInterval: 0.4)
        try session.execute("SELECT 1", what: "counting")
    }

    /// An error raised inside a function's body carries what that code chose to say (a value it
    /// read, say) whatever its SQLSTATE class: its message is withheld, while the server's own
    /// message for a statement is shown.
    @Test func aMessageRaisedInCodeIsWithheld() throws {
        let session = try PostgresConnection(url: TestPostgres.servers[0], label: "session")
        do {
            try session.execute(
                "DO $$ BEGIN RAISE EXCEPTION USING ERRCODE = '42P01', MESSAGE = 'row 7 is Zq7-PLANTED'; END $$",
                what: "reading")
            Issue.record("the block ran")
        } catch let error as DataError {
            #expect(!error.description.contains("Zq7-PLANTED") && error.databaseState == "42P01", "\(error)")
        }
        // A row's value used as a name raises the class of a missing relation or schema as rows are
        // read: withheld too (a view that casts a column to regclass, say).
        try session.execute(
            "CREATE TEMPORARY TABLE planted (name text); INSERT INTO planted VALUES ('Zq8-PLANTED')", what: "setup")
        for cast in ["regclass", "regnamespace", "regtype"] {
            do {
                try session.execute("SELECT name::\(cast) FROM planted", what: "reading")
                Issue.record("a name that names nothing was cast")
            } catch let error as DataError {
                #expect(!error.description.contains("PLANTED") && !error.description.contains("planted"), "\(error)")
                #expect(error.databaseState != nil && error.description.contains("SQLSTATE"), "\(error)")
                if cast == "regclass" { #expect(error.description.contains("a relation does not exist"), "\(error)") }
            }
        }
        // A value holding a NUL would reach the server cut short.
        #expect(throws: DataError.self) { try session.execute("SELECT $1::text", ["newds\0x"], what: "reading") }
        do {
            try session.execute("SELECT * FROM public.no_such_table_here", what: "reading")
            Issue.record("a missing table was read")
        } catch let error as DataError {
            #expect(error.description.contains("no_such_table_here"), "\(error)")
        }
    }

    /// A refusal raised while rows are read (a value a cast refuses) says nothing of the value,
    /// and says that it tells of the private rows.
    @Test func aRefusalWhileRowsAreReadIsLabelledConfidential() throws {
        let session = try PostgresConnection(url: TestPostgres.servers[0], label: "session")
        try session.execute(
            "CREATE TEMPORARY TABLE planted (age text); INSERT INTO planted VALUES ('1'), ('Zq9-PLANTED')",
            what: "setup")
        do {
            try session.forEachBatch("SELECT age::int FROM planted", batch: 1, what: "reading rows") { _ in }
            Issue.record("a value that is no number was cast")
        } catch let error as DataError {
            #expect(!error.description.contains("PLANTED") && error.databaseState == "22P02", "\(error)")
            #expect(error.description.contains(DataError.privateRowsLabel), "\(error)")
        }
    }
}
