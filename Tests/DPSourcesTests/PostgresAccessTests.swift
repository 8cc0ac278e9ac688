import DPData
import DPLedger
import DPTestSupport
import Foundation
import Testing

@testable import DPSources

/// Who reaches a table, and under which name: a table's identity is the server's, whatever URL
/// reached it, and the least rights a user needs are rights on what dpsynth reads.
@Suite(.enabled(if: TestPostgres.available, Comment(rawValue: TestPostgres.skipMessage)))
struct PostgresAccessTests {
    static let columns = [("a", "int4"), ("b", "text"), ("secret", "text")]
    static let rows: [[String?]] = (0..<40).map { ["\($0 % 4)", ["x", "y"][$0 % 2], "private \($0)"] }
    static let schema = """
        name: access
        columns:
          - {name: a, kind: coded, levels: 4}
          - {name: b, kind: categorical, categories: [x, y]}

        """

    /// A URL on the test server as another user or host name would write it.
    static func rewritten(_ url: String, host: String? = nil, user: String? = nil) -> String {
        var text = url
        if let host { text = text.replacingOccurrences(of: "@127.0.0.1:", with: "@\(host):") }
        if let user { text = text.replacingOccurrences(of: "postgresql://postgres@", with: "postgresql://\(user)@") }
        return text
    }

    /// Another host name for the server and the table's name without its schema reach the same
    /// table: one identity, so no second budget, no shard counted twice, no holdout that is
    /// the training table.
    @Test func aTableReachedByTwoURLsHasOneIdentity() throws {
        let url = try TestPostgres.table(columns: Self.columns, rows: Self.rows)
        let alias = Self.rewritten(url, host: "localhost").replacingOccurrences(of: "table=public.", with: "table=")
        #expect(alias != url)
        let fingerprint = try DataSource(url, key: "--data").fingerprint()
        #expect(try DataSource(alias, key: "--data").fingerprint() == fingerprint)
        let other = try TestPostgres.table(columns: Self.columns, rows: Self.rows)
        #expect(try DataSource(other, key: "--data").fingerprint() != fingerprint)
        do {
            _ = try DataSource([url, alias], key: "--shard").fingerprint()
            Issue.record("one table was accepted as two shards")
        } catch let error as DataError {
            #expect(error.description.contains("read the same rows"), "\(error)")
        }
        let missing = url.replacingOccurrences(of: "table=public.", with: "table=public.nosuch_")
        #expect(throws: DataError.self) { try DataSource(missing, key: "--data").fingerprint() }
    }

    /// A view reads its table's rows, a parent its children's, a partitioned table its
    /// partitions': the same rows under another name share the budget, and are never two shards
    /// or a training table and its holdout.
    @Test func viewsParentsAndPartitionsReadTheirTablesRows() throws {
        let url = try TestPostgres.table(columns: Self.columns, rows: Self.rows)
        let table = String(url.split(separator: ".").last!)
        let suffix = UUID().uuidString.prefix(8).lowercased()
        let admin = try PostgresConnection(url: TestPostgres.servers[0], label: "test")
        try admin.execute(
            """
            CREATE VIEW public.v_\(suffix) AS SELECT a, b FROM public.\(table) WHERE a < 3; \
            CREATE TABLE public.p_\(suffix) (a int4, b text); \
            CREATE TABLE public.c_\(suffix) () INHERITS (public.p_\(suffix)); \
            CREATE TABLE public.pp_\(suffix) (a int4, b text) PARTITION BY LIST (a); \
            CREATE TABLE public.pa_\(suffix) PARTITION OF public.pp_\(suffix) FOR VALUES IN (0, 1); \
            CREATE TABLE public.pb_\(suffix) PARTITION OF public.pp_\(suffix) FOR VALUES IN (2, 3); \
            INSERT INTO public.c_\(suffix) VALUES (1, 'x'); INSERT INTO public.pp_\(suffix) VALUES (1, 'x'), (2, 'y')
            """, what: "preparing")
        let base = TestPostgres.servers[0] + "?table=public."
        func source(_ name: String) throws -> DataSource { try DataSource(base + name, key: "--data") }
        #expect(try source("v_\(suffix)").fingerprint() == DataSource(url, key: "--data").fingerprint())
        let partitionRows = try source("pa_\(suffix)").identity().rowSources
            .union(source("pb_\(suffix)").identity().rowSources)
        #expect(try source("pp_\(suffix)").identity().rowSources == partitionRows)
        for pair in [
            [url, base + "v_\(suffix)"], [base + "p_\(suffix)", base + "c_\(suffix)"],
            [base + "pp_\(suffix)", base + "pb_\(suffix)"],
        ] {
            do {
                _ = try DataSource(pair, key: "--shard").fingerprint()
                Issue.record("\(pair) were accepted as shards")
            } catch let error as DataError {
                #expect(error.description.contains("read the same rows"), "\(error)")
            }
        }
        // Two partitions of one table hold different rows: they are two shards.
        let partitions = try DataSource([base + "pa_\(suffix)", base + "pb_\(suffix)"], key: "--shard").identity()
        #expect(partitions.rowSources == partitionRows)

        // A view joined to another table covers the table's rows: no fresh budget for it.
        try admin.execute(
            """
            CREATE VIEW public.vj_\(suffix) AS SELECT t.a, t.b FROM public.\(table) t \
            LEFT JOIN public.p_\(suffix) p ON false; \
            CREATE FUNCTION public.f_\(suffix)() RETURNS TABLE (a int4, b text) LANGUAGE sql \
            AS $$ SELECT a, b FROM public.\(table) $$; \
            CREATE VIEW public.vf_\(suffix) AS SELECT * FROM public.f_\(suffix)(); \
            CREATE VIEW public.vx_\(suffix) AS SELECT pg_catalog.query_to_xml('SELECT * FROM public.\(table)', \
            true, false, '') AS x; \
            CREATE SCHEMA ops_\(suffix); \
            CREATE FUNCTION ops_\(suffix).cell(int, int) RETURNS int LANGUAGE sql \
            AS $$ SELECT a FROM public.\(table) LIMIT 1 OFFSET $1 $$; \
            CREATE OPERATOR ops_\(suffix).## (LEFTARG = int, RIGHTARG = int, FUNCTION = ops_\(suffix).cell); \
            CREATE VIEW public.vo_\(suffix) AS SELECT (i OPERATOR(ops_\(suffix).##) 0) AS a, 'x'::text AS b \
            FROM pg_catalog.generate_series(0, 9) AS i; \
            CREATE VIEW public.vt_\(suffix) AS SELECT 1 AS a, pg_catalog.ts_rewrite('x'::tsquery, \
            'SELECT b::tsquery, b::tsquery FROM public.\(table)')::text AS b; \
            CREATE OPERATOR ops_\(suffix).### (RIGHTARG = text, FUNCTION = pg_catalog.ts_stat); \
            CREATE VIEW public.vs_\(suffix) AS SELECT 1 AS a, (s).word AS b \
            FROM (SELECT OPERATOR(ops_\(suffix).###) 'SELECT b::tsvector FROM public.\(table)' AS s) q
            """, what: "preparing")
        let joined = try source("vj_\(suffix)").fingerprint()
        let alone = try DataSource(url, key: "--data").fingerprint()
        #expect(joined != alone && DataFingerprint.overlaps(joined, alone))
        // Rows read through a function (called, as an operator, or from a query given as text)
        // leave no trace in the catalog's dependencies: refused, and never a shard beside the table.
        // A catalog function that runs a query given as text, called as an operator's function,
        // shows neither in the dependencies nor in the view's text (a helper's pass).
        for hidden in ["vf_\(suffix)", "vx_\(suffix)", "vo_\(suffix)", "vt_\(suffix)", "vs_\(suffix)"] {
            #expect(throws: DataError.self, "\(hidden)") { try source(hidden).fingerprint() }
            #expect(throws: DataError.self, "\(hidden)") {
                try DataSource([url, base + hidden], key: "--shard").identity()
            }
        }

        // A holdout that is a view of the training table is refused as the table itself is.
        let folder = try CommandRunner.temporaryDirectory()
        let schema = folder.appendingPathComponent("s.yaml").path
        try Self.schema.write(toFile: schema, atomically: true, encoding: .utf8)
        let synthetic = folder.appendingPathComponent("s.csv").path
        try "a,b\n0,x\n1,y\n".write(toFile: synthetic, atomically: true, encoding: .utf8)
        let evaluated = try CommandRunner.run([
            "evaluate", "--train", url, "--holdout", base + "v_\(suffix)", "--synthetic", synthetic, "--schema", schema,
        ])
        #expect(evaluated.status == 1 && evaluated.standardError.contains("training table itself"), "\(evaluated)")
    }

    /// While a run holds a table's identity, what it names cannot change under it: a view's
    /// definition cannot be replaced (which would make the run read other rows than its budget
    /// was checked for) and its table cannot be renamed; both can once the identity is let go.
    @Test func anIdentityHeldKeepsItsRelationsAsTheyAre() throws {
        let url = try TestPostgres.table(columns: Self.columns, rows: Self.rows)
        let table = String(url.split(separator: ".").last!)
        let other = String(try TestPostgres.table(columns: Self.columns, rows: Self.rows).split(separator: ".").last!)
        let suffix = UUID().uuidString.prefix(8).lowercased()
        let admin = try PostgresConnection(url: TestPostgres.servers[0], label: "test")
        try admin.execute(
            "CREATE VIEW public.held_\(suffix) AS SELECT a, b FROM public.\(table)", what: "preparing")
        try admin.execute("SET lock_timeout = '300ms'", what: "preparing")
        let replace = "CREATE OR REPLACE VIEW public.held_\(suffix) AS SELECT a, b FROM public.\(other)"
        let rename = "ALTER TABLE public.\(table) RENAME TO \(table)_moved"
        let identity = try DataSource(
            TestPostgres.servers[0] + "?table=public.held_\(suffix)", key: "--data"
        ).identity()
        for change in [replace, rename] {
            do {
                try admin.execute(change, what: "changing")
                Issue.record("changed under a held identity: \(change)")
            } catch let error as DataError {
                #expect(error.databaseState == "55P03", "\(error)")
            }
        }
        identity.releaseLocks()
        // The identity's session ends as the server processes its disconnection: wait for that.
        try Self.waitForLocksToGo(on: ["public.held_\(suffix)", "public.\(table)"], watcher: admin)
        try admin.execute("SET lock_timeout = '10s'", what: "changing")
        try admin.execute(replace, what: "changing")
        try admin.execute(rename, what: "changing")
    }

    /// A run holds locks on what its table reads and on nothing else: a table that another view
    /// reads, and that view, can be changed while the run holds its identity (reading a view's
    /// definition locks every table the view reads: the hidden-reads check reads only those of
    /// the views its table reads).
    @Test func anIdentityHeldLocksNothingItDoesNotRead() throws {
        let url = try TestPostgres.table(columns: Self.columns, rows: Self.rows)
        let unrelated = String(
            try TestPostgres.table(columns: Self.columns, rows: Self.rows).split(separator: ".").last!)
        let admin = try PostgresConnection(url: TestPostgres.servers[0], label: "test")
        try admin.execute(
            "CREATE VIEW public.\(unrelated)_view AS SELECT a, b FROM public.\(unrelated)", what: "preparing")
        let identity = try DataSource(url, key: "--data").identity()
        try admin.execute("SET lock_timeout = '2s'", what: "preparing")
        try admin.execute(
            "CREATE OR REPLACE VIEW public.\(unrelated)_view AS SELECT a, b FROM public.\(unrelated) WHERE a > 0",
            what: "changing")
        try admin.execute("ALTER TABLE public.\(unrelated) ADD COLUMN extra int4", what: "changing")
        identity.releaseLocks()
    }

    /// Waits (30 s at most) until no other session holds or waits for a lock on the relations;
    /// records who still does if one does.
    static func waitForLocksToGo(on relations: [String], watcher: PostgresConnection) throws {
        let holders = """
            SELECT l.pid, l.mode, l.granted, a.backend_type, a.state, a.query FROM pg_catalog.pg_locks l \
            LEFT JOIN pg_catalog.pg_stat_activity a ON a.pid = l.pid \
            WHERE l.relation = ANY (($1)::pg_catalog.regclass[]) AND l.pid <> pg_catalog.pg_backend_pid()
            """
        let list = "{" + relations.joined(separator: ",") + "}"
        var found: [[String?]] = []
        for _ in 0..<600 {
            found = try watcher.execute(holders, [list], what: "watching").rows
            if found.isEmpty { return }
            Thread.sleep(forTimeInterval: 0.05)
        }
        Issue.record("locks still held after 30 s: \(found)")
    }

    /// A change to a table queued behind a run's held identity (an ALTER waiting for its lock)
    /// would keep the run's next session waiting behind it, and itself behind the run, for ever:
    /// the session gives up after its lock wait, with a message, and the change then goes ahead.
    @Test func aChangeQueuedBehindARunEndsItsWaitNotForever() throws {
        let url = try TestPostgres.table(columns: Self.columns, rows: Self.rows)
        let table = String(url.split(separator: ".").last!)
        let schema = try SchemaLoader.parse(Self.schema)
        let altered = ResultSlot<Void>()
        let identity = try DataSource(url, key: "--data").identity()
        let change = Thread {
            altered.value = Result {
                // As a database administrator's session would: it waits for its lock as long as it takes.
                let admin = try PostgresConnection(url: TestPostgres.servers[0], label: "test")
                try admin.execute("SET lock_timeout = 0", what: "changing")
                try admin.execute("ALTER TABLE public.\(table) ADD COLUMN extra int4", what: "changing")
            }
        }
        change.start()
        let watcher = try PostgresConnection(url: TestPostgres.servers[0], label: "test")
        for _ in 0..<200 {
            let waiting = try watcher.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE 'ALTER TABLE%'",
                what: "watching")
            if waiting.rows.first?.first != "0" { break }
            Thread.sleep(forTimeInterval: 0.05)
        }
        // The read runs beside: were it to wait for ever, letting the identity go ends the wait.
        let read = ResultSlot<EncodedDataset>()
        let reader = Thread {
            read.value = Result {
                try PostgresTable(location: PostgresLocation(url, key: "--data"), schema: schema).load()
            }
        }
        reader.start()
        for _ in 0..<900 where !reader.isFinished { Thread.sleep(forTimeInterval: 0.1) }
        #expect(reader.isFinished, "the read still waits after 90 s")
        identity.releaseLocks()
        while !change.isFinished || !reader.isFinished { Thread.sleep(forTimeInterval: 0.01) }
        do {
            _ = try read.value?.get()
            Issue.record("read past a queued change")
        } catch let error as DataError {
            #expect(error.databaseState == "55P03" && error.description.contains("waited 60 s"), "\(error)")
        }
        #expect(throws: Never.self) { try altered.value?.get() }
    }

    /// A view being replaced when a run starts: the run's identity waits for the replacement to
    /// commit and names what the view then reads, the rows the run will read (it used to name
    /// the old definition's table and then read the new one's rows under that budget).
    @Test func anIdentityIsReadAfterAReplacementInFlight() throws {
        let first = try TestPostgres.table(columns: Self.columns, rows: Self.rows)
        let second = try TestPostgres.table(columns: Self.columns, rows: Self.rows)
        let (firstName, secondName) = (first.split(separator: ".").last!, second.split(separator: ".").last!)
        let view = "swapped_" + UUID().uuidString.prefix(8).lowercased()
        let admin = try PostgresConnection(url: TestPostgres.servers[0], label: "test")
        try admin.execute("CREATE VIEW public.\(view) AS SELECT a, b FROM public.\(firstName)", what: "preparing")
        try admin.execute("BEGIN", what: "replacing")
        try admin.execute(
            "CREATE OR REPLACE VIEW public.\(view) AS SELECT a, b FROM public.\(secondName)", what: "replacing")
        let found = ResultSlot<DataIdentity>()
        let reader = Thread {
            found.value = Result {
                try DataSource(TestPostgres.servers[0] + "?table=public.\(view)", key: "--data").identity()
            }
        }
        reader.start()
        // Commit once the reader waits for the replacement's lock.
        let watcher = try PostgresConnection(url: TestPostgres.servers[0], label: "test")
        for _ in 0..<200 {
            let waiting = try watcher.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'", what: "watching")
            if waiting.rows.first?.first != "0" { break }
            Thread.sleep(forTimeInterval: 0.05)
        }
        try admin.execute("COMMIT", what: "replacing")
        while !reader.isFinished { Thread.sleep(forTimeInterval: 0.01) }
        let identity = try #require(found.value).get()
        #expect(identity.rowSources == (try DataSource(second, key: "--data").identity().rowSources))
    }

    /// A table renamed (or moved to another schema) keeps its rows, and a table dropped and
    /// created again under its name holds the rows a budget named: either shares the budget its
    /// rows had, so `ALTER TABLE ... RENAME` buys no fresh budget, and the renamed table is the
    /// same data to its own dataset.
    @Test func aRenamedOrRecreatedTableKeepsItsBudget() throws {
        let url = try TestPostgres.table(columns: Self.columns, rows: Self.rows)
        let table = String(url.split(separator: ".").last!)
        let admin = try PostgresConnection(url: TestPostgres.servers[0], label: "test")
        let before = try DataSource(url, key: "--data").fingerprint()
        try admin.execute(
            "ALTER TABLE public.\(table) RENAME TO \(table)_renamed", what: "renaming")
        let renamedURL = url + "_renamed"
        let renamed = try DataSource(renamedURL, key: "--data").fingerprint()
        #expect(renamed != before && DataFingerprint.overlaps(renamed, before))

        let folder = try CommandRunner.temporaryDirectory()
        let ledger = try BudgetLedger(path: folder.appendingPathComponent("l.sqlite").path)
        try ledger.initialise(dataset: "original", epsilon: 1, delta: 1e-6, fingerprint: before)
        do {
            try ledger.initialise(dataset: "fresh", epsilon: 1, delta: 1e-6, fingerprint: renamed)
            Issue.record("a renamed table was given a fresh budget")
        } catch let error as LedgerError {
            #expect("\(error)".contains("under dataset 'original'"), "\(error)")
        }
        // Its own dataset runs on under the new name, with no new data version to declare.
        try ledger.checkData(dataset: "original", fingerprint: renamed, declareNewVersion: false)

        try admin.execute(
            "CREATE TABLE public.\(table) (a int4, b text)", what: "creating again")
        let recreated = try DataSource(url, key: "--data").fingerprint()
        #expect(recreated != before && DataFingerprint.overlaps(recreated, before))
        #expect(!DataFingerprint.overlaps(recreated, renamed))
    }

    /// A role granted SELECT on the schema's columns alone (not on `secret`) counts the table and
    /// reads its rows.
    @Test func aUserGrantedTheSchemasColumnsAloneReadsTheTable() throws {
        let url = try TestPostgres.table(columns: Self.columns, rows: Self.rows)
        let table = String(url.split(separator: ".").last!)
        let role = "reader_" + UUID().uuidString.prefix(8).lowercased()
        let admin = try PostgresConnection(url: TestPostgres.servers[0], label: "test")
        try admin.execute(
            "CREATE ROLE \(role) LOGIN; GRANT SELECT (a, b) ON public.\(table) TO \(role)", what: "granting")
        let schema = try SchemaLoader.parse(Self.schema)
        let location = try PostgresLocation(Self.rewritten(url, user: role), key: "--data")
        let counts = try PostgresCounts(PostgresTable(location: location, schema: schema))
        #expect(try counts.marginals([[0, 1]])[0].total == Self.rows.count)
        #expect(try PostgresTable(location: location, schema: schema).load().rowCount == Self.rows.count)
    }

    /// An analyst with rights on the ledger's tables, but not the right to create schemas, spends
    /// from a ledger its owner created; verifying a schema that holds no ledger is refused and
    /// creates nothing.
    @Test func anExistingLedgerNeedsNoRightToCreate() throws {
        let name = "ledger_" + UUID().uuidString.prefix(8).lowercased()
        let owner = TestPostgres.servers[0] + "?schema=\(name)"
        try LedgerOpener.open(owner).initialise(dataset: "d", epsilon: 1, delta: 0)
        let role = "analyst_" + UUID().uuidString.prefix(8).lowercased()
        let admin = try PostgresConnection(url: TestPostgres.servers[0], label: "test")
        try admin.execute(
            """
            CREATE ROLE \(role) LOGIN; GRANT USAGE ON SCHEMA \(name) TO \(role); \
            GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA \(name) TO \(role); \
            GRANT USAGE ON ALL SEQUENCES IN SCHEMA \(name) TO \(role)
            """, what: "granting")
        let analyst = Self.rewritten(owner, user: role)
        try LedgerOpener.open(analyst).charge(
            dataset: "d", mechanism: "laplace", cost: .pure(epsilon: 0.25), seeded: false)
        #expect(try LedgerOpener.open(owner).statement(dataset: "d").charges.count == 1)
        #expect(try LedgerOpener.verify(analyst).intact)

        let typo = TestPostgres.servers[0] + "?schema=\(name)_typo"
        #expect(throws: LedgerError.self) { try LedgerOpener.verify(typo) }
        let schemas = try admin.execute(
            "SELECT count(*) FROM pg_namespace WHERE nspname = $1", ["\(name)_typo"], what: "reading")
        #expect(schemas.rows.first?.first == "0")
    }
}

/// A user without the right to create temporary tables: counting reads the table on every scan,
/// all in one snapshot, so rows written after the validation are not counted.
@Suite(.enabled(if: TestPostgres.available, Comment(rawValue: TestPostgres.skipMessage)))
struct PostgresWithoutTemporaryTablesTests {
    @Test func everyScanReadsTheRowsTheValidationRead() throws {
        let suffix = UUID().uuidString.prefix(8).lowercased()
        let (database, role) = ("notemp_\(suffix)", "reader_\(suffix)")
        let admin = try PostgresConnection(url: TestPostgres.servers[0], label: "test")
        try admin.execute("CREATE DATABASE \(database)", what: "preparing")
        try admin.execute(
            "REVOKE TEMPORARY ON DATABASE \(database) FROM PUBLIC; CREATE ROLE \(role) LOGIN", what: "preparing")
        defer { _ = try? admin.execute("DROP DATABASE IF EXISTS \(database) WITH (FORCE)", what: "cleaning") }
        let server = TestPostgres.servers[0]
        let base = String(server[...server.lastIndex(of: "/")!]) + database
        let owner = try PostgresConnection(url: base, label: "test")
        try owner.execute(
            """
            CREATE TABLE public.t (a int4, b int4); \
            INSERT INTO public.t SELECT i % 3, i % 2 FROM generate_series(1, 30) AS i; \
            GRANT SELECT ON public.t TO \(role)
            """, what: "preparing")
        let schema = try SchemaLoader.parse(
            "name: n\ncolumns:\n  - {name: a, kind: coded, levels: 3}\n  - {name: b, kind: coded, levels: 2}\n")
        let url = base.replacingOccurrences(of: "postgresql://postgres@", with: "postgresql://\(role)@") + "?table=t"
        let counts = try PostgresCounts(PostgresTable(location: PostgresLocation(url, key: "--data"), schema: schema))
        #expect(try counts.marginals([[0]])[0].total == 30)
        // Written after the session opened (a value the schema refuses among them): not read.
        try owner.execute("INSERT INTO public.t VALUES (1, 1), (7, 0)", what: "writing")
        #expect(try counts.marginals([[0, 1]])[0].total == 30)
        #expect(try counts.marginals([[1]])[0].total == 30)
        // The encoded rows' digest reads them too: the rows of this process's digest.
        let rows = EncodedDataset(
            schema: schema, codes: [(1...30).map { UInt16($0 % 3) }, (1...30).map { UInt16($0 % 2) }])
        #expect(try PostgresCounts.encodedRowsDigest([counts]) == EncodedRowsDigest.of(rows))
        // A view whose rows follow the statement (here, hidden from the digest's statement) would
        // give each statement other rows: refused, as read every statement, with no temporary table.
        try owner.execute(
            """
            CREATE VIEW public.shifty AS SELECT * FROM public.t \
            WHERE pg_catalog.current_query() NOT LIKE '%hashint4extended%'; \
            GRANT SELECT ON public.shifty TO \(role)
            """, what: "preparing")
        let shifty = url.replacingOccurrences(of: "?table=t", with: "?table=shifty")
        #expect {
            try PostgresCounts(PostgresTable(location: PostgresLocation(shifty, key: "--data"), schema: schema))
        } throws: { "\($0)".contains("volatile function") }
        // So would a row security policy whose rows follow the statement.
        try owner.execute(
            """
            CREATE TABLE public.guarded AS SELECT * FROM public.t WHERE a < 3; \
            ALTER TABLE public.guarded ENABLE ROW LEVEL SECURITY; \
            CREATE POLICY follows ON public.guarded FOR SELECT \
            USING (pg_catalog.current_query() NOT LIKE '%hashint4extended%'); \
            GRANT SELECT ON public.guarded TO \(role)
            """, what: "preparing")
        let guarded = url.replacingOccurrences(of: "?table=t", with: "?table=guarded")
        #expect {
            try PostgresCounts(PostgresTable(location: PostgresLocation(guarded, key: "--data"), schema: schema))
        } throws: { "\($0)".contains("volatile function") }
    }
}

/// One result handed from a thread to the test that waits for it.
final class ResultSlot<Value>: @unchecked Sendable {
    var value: Result<Value, any Error>?
}
