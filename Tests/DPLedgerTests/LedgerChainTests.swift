import DPAccounting
import DPTestSupport
import Foundation
import GRDB
import Testing

@testable import DPLedger

/// The ledger is tamper-evident: each kind of alteration is named by `verify` and refused when
/// the ledger is opened; an untouched ledger verifies.
@Suite struct LedgerChainTests {
    /// A ledger with one budget and three charges, and its path.
    func ledger() throws -> String {
        let path = try CommandRunner.temporaryDirectory().appendingPathComponent("l.sqlite").path
        let ledger = try BudgetLedger(path: path)
        try ledger.initialise(dataset: "d", epsilon: 1, delta: 1e-6)
        for epsilon in [0.1, 0.2, 0.3] {
            try ledger.charge(dataset: "d", mechanism: "laplace", cost: .pure(epsilon: epsilon), seeded: true)
        }
        return path
    }

    /// A cost is stored as one text whatever the process: the keys of a JSON object came out in a
    /// per-process order, so two runs on the same data wrote (and hashed) different ledgers.
    /// (Without the sorting this fails in most processes, not all: the order follows the
    /// process's hash seed.)
    @Test func aCostIsStoredAsOneText() throws {
        #expect(
            try BudgetLedger.encodeCost(.approximate(epsilon: 1, delta: 1e-06))
                == #"{"approximate":{"delta":1e-06,"epsilon":1}}"#)
        #expect(try BudgetLedger.encodeCost(.zCDP(rho: 0.5)) == #"{"zCDP":{"rho":0.5}}"#)
        let path = try CommandRunner.temporaryDirectory().appendingPathComponent("l.sqlite").path
        let ledger = try BudgetLedger(path: path)
        try ledger.initialise(dataset: "d", epsilon: 1, delta: 1e-6)
        try ledger.charge(dataset: "d", mechanism: "m", cost: .approximate(epsilon: 0.5, delta: 1e-7), seeded: true)
        let stored = try DatabaseQueue(path: path).read { try String.fetchOne($0, sql: "SELECT cost FROM charge") }
        #expect(stored == #"{"approximate":{"delta":1e-07,"epsilon":0.5}}"#)
    }

    /// Runs `sql` as the sqlite3 shell would: without foreign-key checks.
    func alter(_ path: String, _ sql: String) throws {
        var configuration = Configuration()
        configuration.foreignKeysEnabled = false
        let database = try DatabaseQueue(path: path, configuration: configuration)
        try database.write { try $0.execute(sql: sql) }
    }

    func expectRefused(_ path: String, _ text: String) {
        do {
            _ = try BudgetLedger(path: path)
            Issue.record("an altered ledger was opened")
        } catch let error as LedgerError {
            #expect(error.description.contains(text), "\(error)")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    /// Chains the budget and the charges again, in order, after an edit: what someone who
    /// knows the (unkeyed) chain's rule can do, so the edit shows in no hash.
    func rehash(_ path: String) throws {
        try SQLiteLedgerStore(path: path).write { db in
            var head = LedgerHead.genesis
            for row in try db.rows("SELECT rowid AS r, * FROM budget ORDER BY seq") {
                head = head.appending(try BudgetLedger.budgetContent(row))
                try db.execute(
                    "UPDATE budget SET hash = ?, seq = ? WHERE rowid = ?",
                    [head.hash, head.sequence, try row.checked("r") as Int64])
            }
            for row in try db.rows("SELECT * FROM charge ORDER BY seq") {
                head = head.appending(try BudgetLedger.chargeContent(row))
                try db.execute(
                    "UPDATE charge SET hash = ?, seq = ? WHERE id = ?",
                    [head.hash, head.sequence, try row.checked("id") as Int64])
            }
            try db.execute("UPDATE meta SET value = ? WHERE key = 'head_hash'", [head.hash])
            try db.execute("UPDATE meta SET value = ? WHERE key = 'head_seq'", ["\(head.sequence)"])
        }
    }

    /// Costs and budgets are read as untrusted even in a chain hashed again after the edit (a
    /// hostile pass): a negative rho trapped every command that read it, a negative epsilon gave
    /// budget back, a total delta of 5 passed. Each is named by `verify` and refused on use.
    @Test func valuesOutOfRangeAreRefusedInAChainHashedAgain() throws {
        for (sql, problem) in [
            (#"UPDATE charge SET cost = '{"zCDP":{"rho":-0.01}}' WHERE id = 3"#, "charge #3 has a cost"),
            (#"UPDATE charge SET cost = '{"pure":{"epsilon":-1e308}}' WHERE id = 2"#, "charge #2 has a cost"),
            ("UPDATE budget SET delta = 5", "budget of 'd' is out of range"),
        ] {
            let path = try ledger()
            try alter(path, sql)
            try rehash(path)
            let problems = try BudgetLedger.verify(path: path).problems
            #expect(problems.contains { $0.contains(problem) }, "\(sql): \(problems)")
            #expect(throws: LedgerError.self, "\(sql)") {
                let ledger = try BudgetLedger(path: path)
                _ = try ledger.statement(dataset: "d")
                try ledger.charge(dataset: "d", mechanism: "laplace", cost: .pure(epsilon: 0.01), seeded: true)
            }
        }
    }

    /// The guards on use, apart from the check at open: a cost or a total out of range is
    /// refused wherever a ledger row is read.
    @Test func aCostOrTotalOutOfRangeIsRefusedOnUse() {
        for text in [
            #"{"zCDP":{"rho":-0.01}}"#, #"{"pure":{"epsilon":-1}}"#, #"{"approximate":{"epsilon":1,"delta":2}}"#,
        ] {
            #expect(throws: LedgerError.self, "\(text)") { try BudgetLedger.decodeCost(text, row: 1, path: "l") }
        }
        #expect((try? BudgetLedger.decodeCost(#"{"zCDP":{"rho":0.01}}"#, row: 1, path: "l")) == .zCDP(rho: 0.01))
        #expect(!BudgetLedger.validTotal(epsilon: -1, delta: 0) && !BudgetLedger.validTotal(epsilon: 1, delta: 5))
        #expect(BudgetLedger.validTotal(epsilon: 1, delta: 0))
    }

    /// A sequence number at the edge of 64 bits trapped the chain's check (it computed the one
    /// before it); it is named as rows edited.
    @Test func anEntryNumberedAtTheEdgeIsNamed() throws {
        let path = try ledger()
        try alter(path, "UPDATE charge SET seq = -9223372036854775808 WHERE id = 3")
        let problems = try BudgetLedger.verify(path: path).problems
        #expect(problems.contains { $0.contains("comes before an earlier entry") }, "\(problems)")
    }

    @Test func anUntouchedLedgerVerifies() throws {
        let path = try ledger()
        let result = try BudgetLedger.verify(path: path)
        #expect(result.intact && result.head.sequence == 4, "\(result.problems)")
        let statement = try BudgetLedger(path: path).statement(dataset: "d")
        #expect(statement.head == result.head)
    }

    @Test func aDeletedRowIsNamed() throws {
        let path = try ledger()
        try alter(path, "DELETE FROM charge WHERE id = 2")
        #expect(try BudgetLedger.verify(path: path).problems.first?.contains("rows were deleted") == true)
        expectRefused(path, "rows were deleted")
    }

    @Test func anEditedCostIsNamed() throws {
        let path = try ledger()
        try alter(path, #"UPDATE charge SET cost = '{"pure":{"epsilon":0.001}}' WHERE id = 3"#)
        let problems = try BudgetLedger.verify(path: path).problems
        #expect(problems.first?.contains("charge #3") == true && problems.first?.contains("edited") == true)
        expectRefused(path, "edited")
    }

    /// The same bytes stored as a blob hash as before but no longer match the spending query's
    /// text: the charges would drop out of the budget. Found by a hostile pass.
    @Test func aValueStoredAsBytesIsNamed() throws {
        for sql in [
            "UPDATE charge SET dataset = CAST(dataset AS BLOB)",
            "UPDATE meta SET value = CAST(value AS BLOB) WHERE key = 'head_hash'",
        ] {
            let path = try ledger()
            try alter(path, sql)
            #expect(try BudgetLedger.verify(path: path).intact == false, "\(sql)")
            expectRefused(path, "altered")
        }
    }

    @Test func aDroppedTableIsNamed() throws {
        let path = try ledger()
        try alter(path, "DROP TABLE charge")
        #expect(try BudgetLedger.verify(path: path).problems.first?.contains("table 'charge' is missing") == true)
        expectRefused(path, "table")
    }

    @Test func anEmptiedFileIsNamedAndNeverStartsAFreshBudget() throws {
        let path = try ledger()
        try Data().write(to: URL(fileURLWithPath: path))
        #expect(try BudgetLedger.verify(path: path).problems.first?.contains("empty") == true)
        expectRefused(path, "empty")
    }

    /// A writer killed inside a transaction leaves a hot journal beside a ledger whose pages it had
    /// begun to overwrite. SQLite rolls it back on the next open that may write; verify does that
    /// too, and finds the ledger as it was before the transaction, not unreadable.
    @Test func aWriterKilledMidTransactionLeavesALedgerThatVerifies() throws {
        let path = try ledger()
        let crashed = try CommandRunner.temporaryDirectory().appendingPathComponent("crashed.sqlite").path
        let queue = try DatabaseQueue(path: path)
        try queue.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA cache_size = 2")
            try db.inTransaction(.immediate) {
                // Enough dirty pages that SQLite spills them into the file before the commit, with
                // the pages they replace in the journal: the state a kill -9 at this point leaves.
                try db.execute(sql: "UPDATE charge SET mechanism = mechanism || '-edited'")
                try db.execute(sql: "CREATE TABLE filler (x BLOB)")
                for _ in 0..<200 { try db.execute(sql: "INSERT INTO filler VALUES (zeroblob(4000))") }
                for suffix in ["", "-journal"] {
                    try FileManager.default.copyItem(atPath: path + suffix, toPath: crashed + suffix)
                }
                return .rollback
            }
        }
        let journal = try FileManager.default.attributesOfItem(atPath: crashed + "-journal")
        #expect((journal[.size] as? Int ?? 0) > 0)
        let result = try BudgetLedger.verify(path: crashed)
        #expect(result.intact && result.head.sequence == 4, "\(result.problems)")
        #expect(!FileManager.default.fileExists(atPath: crashed + "-journal"))
        #expect(try BudgetLedger(path: crashed).statement(dataset: "d").head == result.head)
    }

    @Test func aTruncatedTailIsCaughtAgainstAnEarlierHead() throws {
        let path = try ledger()
        let anchor = try BudgetLedger(path: path).statement(dataset: "d").head
        // Remove the last charge and rewrite the head so the remaining chain is consistent.
        let database = try DatabaseQueue(path: path)
        try database.write { db in
            let previous = try String.fetchOne(db, sql: "SELECT hash FROM charge WHERE seq = 3")!
            try db.execute(sql: "DELETE FROM charge WHERE seq = 4")
            try db.execute(sql: "UPDATE meta SET value = '3' WHERE key = 'head_seq'")
            try db.execute(sql: "UPDATE meta SET value = ? WHERE key = 'head_hash'", arguments: [previous])
        }
        #expect(try BudgetLedger.verify(path: path).intact, "the chain alone cannot tell")
        let result = try BudgetLedger.verify(path: path, anchors: [("report.json", anchor)])
        #expect(result.problems.first?.contains("removed from its end") == true, "\(result.problems)")
    }

    /// Found by LedgerFuzzer: a row of NULLs (in a table recreated without constraints) trapped
    /// in the row decoder; it is now an altered ledger like any other.
    @Test func aRowOfNullsIsRefusedNotATrap() throws {
        let path = try ledger()
        try alter(
            path,
            """
            DROP TABLE data_version;
            CREATE TABLE data_version (dataset, fingerprint, created, seq, hash);
            INSERT INTO data_version VALUES (NULL, NULL, NULL, NULL, NULL);
            """)
        #expect(try BudgetLedger.verify(path: path).intact == false)
        expectRefused(path, "altered")
    }

    /// A cost that is not JSON: the chain names the edited row first; a ledger whose chain was
    /// recomputed over the edit still cannot make the reader fail without naming file and row.
    @Test func aRowWithUnreadableCostNamesTheFileAndRow() throws {
        let path = try ledger()
        try alter(path, "UPDATE charge SET cost = 'not json' WHERE id = 1")
        expectRefused(path, "charge #1")
        do {
            _ = try BudgetLedger.decodeCost("not json", row: 1, path: path)
            Issue.record("a cost that is not JSON was read")
        } catch let error as LedgerError {
            #expect(error.description.contains(path) && error.description.contains("charge #1"), "\(error)")
        }
    }

    @Test func aVersion1LedgerIsUpgradedWithItsRowsChained() throws {
        let path = try CommandRunner.temporaryDirectory().appendingPathComponent("old.sqlite").path
        let database = try DatabaseQueue(path: path)
        try database.write { db in
            try db.execute(
                sql: """
                    CREATE TABLE budget (dataset TEXT PRIMARY KEY NOT NULL, epsilon REAL NOT NULL, delta REAL NOT NULL,
                        created TEXT NOT NULL);
                    CREATE TABLE charge (id INTEGER PRIMARY KEY AUTOINCREMENT, dataset TEXT NOT NULL,
                        mechanism TEXT NOT NULL, parameters TEXT NOT NULL, cost TEXT NOT NULL, seeded INTEGER NOT NULL,
                        time TEXT NOT NULL);
                    INSERT INTO budget VALUES ('d', 1.0, 1e-6, '2026-01-01T00:00:00Z');
                    INSERT INTO charge (dataset, mechanism, parameters, cost, seeded, time)
                        VALUES ('d', 'laplace', '{}', '{"pure":{"epsilon":0.25}}', 0, '2026-01-02T00:00:00Z');
                    """)
        }
        let ledger = try BudgetLedger(path: path)
        #expect(try ledger.statement(dataset: "d").spent.epsilon == 0.25)
        try ledger.charge(dataset: "d", mechanism: "laplace", cost: .pure(epsilon: 0.25), seeded: false)
        let result = try BudgetLedger.verify(path: path)
        #expect(result.intact && result.head.sequence == 3, "\(result.problems)")
    }
}

/// Reservations: a run sets its whole cost aside first; others are refused at once; a run that
/// charged nothing releases it, one that charged keeps what it spent.
@Suite struct ReservationTests {
    func ledger() throws -> BudgetLedger {
        let path = try CommandRunner.temporaryDirectory().appendingPathComponent("l.sqlite").path
        let ledger = try BudgetLedger(path: path)
        try ledger.initialise(dataset: "d", epsilon: 1, delta: 0)
        return ledger
    }

    @Test func aReservationHoldsTheBudgetUntilItEnds() throws {
        let ledger = try ledger()
        let budget = ledger.budget(for: "d")
        let first = try budget.reserve(.pure(epsilon: 0.7))
        // Another run cannot reserve, or charge outside a reservation, what the first holds.
        #expect(throws: LedgerError.self) { try budget.reserve(.pure(epsilon: 0.4)) }
        #expect(throws: LedgerError.self) {
            try ledger.charge(dataset: "d", mechanism: "m", cost: .pure(epsilon: 0.4), seeded: true)
        }
        // The holder charges within its reservation, and no further.
        _ = try first.charge(Charge(mechanism: "m", cost: .pure(epsilon: 0.5), seeded: true))
        #expect(throws: LedgerError.self) {
            try first.charge(Charge(mechanism: "m", cost: .pure(epsilon: 0.3), seeded: true))
        }
        #expect(try first.endReservation() == .settled)
        // Settled: only what was charged counts, so 0.5 is free again.
        let second = try budget.reserve(.pure(epsilon: 0.5))
        #expect(try second.endReservation() == .released)
        #expect(try ledger.reservations(dataset: "d").map(\.state) == [.settled, .released])
        #expect(try BudgetLedger.verify(path: ledger.path).intact)
    }

    /// A ledger file shared between containers: a reservation whose holder runs in another
    /// process-id namespace (another tag) keeps counting whole, since no process here can tell
    /// whether it still runs; one whose holder was a process here that is gone, tagged or
    /// written before tags, stops counting. The process id is above Linux's largest, so it runs
    /// nowhere.
    @Test func aHolderInAnotherNamespaceKeepsItsReservation() throws {
        let gone: Int64 = 4_194_305
        let elsewhere = (LocalHolder.tag % (1 << 30)) + 1
        for (holder, counts) in [(elsewhere << 32 | gone, true), (LocalHolder.tag << 32 | gone, false), (gone, false)] {
            let ledger = try ledger()
            let other = try BudgetLedger(
                store: try SQLiteLedgerStore(path: ledger.path, readOnly: false, holder: holder))
            _ = try other.reserve(dataset: "d", cost: .pure(epsilon: 0.7))
            let fits = (try? ledger.budget(for: "d").reserve(.pure(epsilon: 0.4))) != nil
            #expect(fits != counts, "holder \(holder)")
            #expect(try ledger.reservations(dataset: "d")[0].state == (counts ? .open : .abandoned))
        }
    }
}

extension LedgerChainTests {
    /// A run whose reservation other runs count as its charges alone (its holder no longer seen
    /// running: a connection pooler's other server process, a reconnection) went on charging up
    /// to the whole reservation while they reserved its rest again: together past the total.
    @Test func aReservationOthersNoLongerCountTakesNoMoreCharges() throws {
        let path = try CommandRunner.temporaryDirectory().appendingPathComponent("l.sqlite").path
        let others = try BudgetLedger(path: path)
        try others.initialise(dataset: "d", epsilon: 1, delta: 0)
        let gone: Int64 = LocalHolder.tag << 32 | 4_194_305
        let run = try BudgetLedger(store: try SQLiteLedgerStore(path: path, readOnly: false, holder: gone))
        let reservation = try run.reserve(dataset: "d", cost: .pure(epsilon: 0.7))
        _ = try others.budget(for: "d").reserve(.pure(epsilon: 0.9))
        #expect(throws: LedgerError.self) {
            try run.charge(
                dataset: "d", mechanism: "laplace", cost: .pure(epsilon: 0.5), seeded: false,
                reservation: reservation)
        }
        #expect(try others.statement(dataset: "d").charges.isEmpty)
    }

    /// An index whose definition was edited (writable_schema) to skip the charges made every
    /// query through it see none, while the chain's full scan saw them all and verified: the
    /// ledger then allowed an overspend (a helper's pass). An object the ledger never creates is
    /// named, and the ledger refused.
    @Test func aForgedIndexIsNamed() throws {
        let path = try ledger()
        try alter(
            path,
            """
            CREATE INDEX ix ON charge(mechanism); PRAGMA writable_schema = ON;
            UPDATE sqlite_master SET sql = 'CREATE INDEX ix ON charge(dataset)' WHERE name = 'ix';
            PRAGMA writable_schema = OFF;
            """)
        let problems = try BudgetLedger.verify(path: path).problems
        #expect(problems.contains { $0.contains("index 'ix'") }, "\(problems)")
        expectRefused(path, "index 'ix'")
        // A trigger is refused as well.
        let other = try ledger()
        try alter(other, "CREATE TRIGGER t AFTER INSERT ON charge BEGIN SELECT 1; END")
        expectRefused(other, "trigger 't'")
    }

    /// Two Unicode spellings of one accented name are two budgets to the database: the same data
    /// is refused a second budget under the other spelling (Swift's equality took them as one).
    @Test func anotherSpellingOfANameGetsNoSecondBudgetForTheSameData() throws {
        let path = try CommandRunner.temporaryDirectory().appendingPathComponent("l.sqlite").path
        let ledger = try BudgetLedger(path: path)
        let (composed, decomposed) = ("caf\u{E9}", "cafe\u{301}")
        try ledger.initialise(dataset: composed, epsilon: 1, delta: 1e-6, fingerprint: "f00d")
        try ledger.initialise(dataset: decomposed, epsilon: 1, delta: 1e-6)
        #expect(throws: LedgerError.self) {
            try ledger.checkData(dataset: decomposed, fingerprint: "f00d", declareNewVersion: true)
        }
    }
}
