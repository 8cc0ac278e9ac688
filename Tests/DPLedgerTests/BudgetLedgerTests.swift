import DPAccounting
import DPTestSupport
import Foundation
import Synchronization
import Testing

@testable import DPLedger

@Suite struct BudgetLedgerTests {
    func freshLedger() throws -> (BudgetLedger, String) {
        let path = try CommandRunner.temporaryDirectory().appendingPathComponent("ledger.sqlite").path
        return (try BudgetLedger(path: path), path)
    }

    /// A ledger is not created in a folder that does not exist, and the refusal says so (it read
    /// only "unable to open database file").
    @Test func aLedgerInAMissingFolderNamesTheFolder() throws {
        let path = try CommandRunner.temporaryDirectory().appendingPathComponent("new/sub/ledger.sqlite").path
        #expect {
            try BudgetLedger(path: path)
        } throws: { error in
            "\(error)".contains("there is no folder") && "\(error)".contains("new/sub")
        }
    }

    @Test func chargesComposeAndOverspendIsRefused() throws {
        let (ledger, path) = try freshLedger()
        try ledger.initialise(dataset: "adult", epsilon: 1, delta: 1e-6)
        try ledger.charge(dataset: "adult", mechanism: "laplace", cost: .pure(epsilon: 0.4), seeded: true)
        try ledger.charge(dataset: "adult", mechanism: "gaussian", cost: .zCDP(rho: 0.001), seeded: true)
        let before = try ledger.statement(dataset: "adult")
        #expect(abs(before.spent.epsilon - (0.4 + ZCDP.epsilon(rho: 0.001, delta: 1e-6))) < 1e-12)
        #expect(throws: LedgerError.self) {
            try ledger.charge(dataset: "adult", mechanism: "laplace", cost: .pure(epsilon: 0.5), seeded: true)
        }
        // The refusal recorded nothing, and a reopened ledger sees the same two charges.
        let reopened = try BudgetLedger(path: path).statement(dataset: "adult")
        #expect(reopened.charges.count == 2)
        #expect(reopened.charges.map(\.mechanism) == ["laplace", "gaussian"])
    }

    @Test func refusalMessageSaysWhatToDo() throws {
        let (ledger, _) = try freshLedger()
        try ledger.initialise(dataset: "d", epsilon: 0.5, delta: 0)
        do {
            try ledger.charge(dataset: "d", mechanism: "laplace", cost: .pure(epsilon: 0.6), seeded: false)
            Issue.record("overspend was accepted")
        } catch let error as LedgerError {
            #expect(error.description.contains("refused") && error.description.contains("total"))
        }
    }

    @Test func zcdpChargesNeedADeltaBudget() throws {
        let (ledger, _) = try freshLedger()
        try ledger.initialise(dataset: "pure", epsilon: 10, delta: 0)
        #expect(throws: LedgerError.self) {
            try ledger.charge(dataset: "pure", mechanism: "gaussian", cost: .zCDP(rho: 0.01), seeded: false)
        }
    }

    @Test func badInputIsRefused() throws {
        let (ledger, _) = try freshLedger()
        #expect(throws: LedgerError.self) { try ledger.initialise(dataset: "x", epsilon: .nan, delta: 0) }
        #expect(throws: LedgerError.self) { try ledger.initialise(dataset: "x", epsilon: 1, delta: 1) }
        #expect(throws: LedgerError.self) { try ledger.initialise(dataset: "", epsilon: 1, delta: 0) }
        try ledger.initialise(dataset: "x", epsilon: 1, delta: 0)
        #expect(throws: LedgerError.self) { try ledger.initialise(dataset: "x", epsilon: 5, delta: 0) }
        #expect(throws: LedgerError.self) {
            try ledger.charge(dataset: "y", mechanism: "m", cost: .pure(epsilon: 0.1), seeded: false)
        }
        #expect(throws: LedgerError.self) {
            try ledger.charge(dataset: "x", mechanism: "m", cost: .pure(epsilon: -1), seeded: false)
        }
    }

    @Test func twoProcessesChargingAtOnceCannotOverspend() throws {
        let (ledger, path) = try freshLedger()
        try ledger.initialise(dataset: "shared", epsilon: 2, delta: 0)
        // Two workers each try 30 charges of 0.1 against a total of 2: exactly 20 may land.
        let script = (0..<30).map { _ in
            """
            "\(CommandRunner.executable.path)" ledger charge --ledger "\(path)" --dataset shared \
            --mechanism race --epsilon 0.1 >/dev/null 2>&1
            """
        }.joined(separator: "; ")
        let workers = try (0..<2).map { _ -> Process in
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", script]
            try process.run()
            return process
        }
        for worker in workers { worker.waitUntilExit() }
        let statement = try ledger.statement(dataset: "shared")
        #expect(statement.charges.count == 20)
        #expect(statement.spent.epsilon <= 2 * (1 + 1e-12))
    }

    @Test func manyFirstUsesOfOneNewLedgerAllOpenIt() throws {
        // Threads opening one new ledger file at once: each finds no file, an empty file being
        // created, or a whole ledger, and every one must open the same intact ledger.
        let folder = try CommandRunner.temporaryDirectory()
        for round in 0..<12 {
            let path = folder.appendingPathComponent("shared-\(round).sqlite").path
            let failures = Mutex<[String]>([])
            DispatchQueue.concurrentPerform(iterations: 8) { _ in
                do { _ = try BudgetLedger(path: path) } catch {
                    failures.withLock { $0.append("\(error)") }
                }
            }
            let failed = failures.withLock { $0 }
            #expect(failed.isEmpty, "round \(round): \(failed.first ?? "")")
            #expect(try BudgetLedger.verify(path: path).problems.isEmpty)
        }
        // A link to a ledger not yet there: created where it points, as one (a helper's review).
        let targets = folder.appendingPathComponent("targets")
        try FileManager.default.createDirectory(at: targets, withIntermediateDirectories: true)
        for round in 0..<6 {
            let link = folder.appendingPathComponent("shared-link-\(round).sqlite").path
            try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: "targets/l\(round).sqlite")
            let failures = Mutex<[String]>([])
            DispatchQueue.concurrentPerform(iterations: 8) { _ in
                do { _ = try BudgetLedger(path: link) } catch { failures.withLock { $0.append("\(error)") } }
            }
            let failed = failures.withLock { $0 }
            #expect(failed.isEmpty, "link round \(round): \(failed.first ?? "")")
        }
        try FileManager.default.removeItem(at: targets)
        for round in 0..<6 { unlink(folder.appendingPathComponent("shared-link-\(round).sqlite").path) }
        // Nothing is left beside the ledgers but the ledgers.
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        #expect(names.allSatisfy { $0.hasPrefix("shared-") && $0.hasSuffix(".sqlite") }, "\(names)")
    }

    @Test func killingAProcessMidChargeLeavesAConsistentLedger() throws {
        let (ledger, path) = try freshLedger()
        try ledger.initialise(dataset: "crash", epsilon: 100, delta: 0)
        var started = 0
        for attempt in 0..<12 {
            let process = try CommandRunner.start([
                "ledger", "charge", "--ledger", path, "--dataset", "crash",
                "--mechanism", "victim", "--epsilon", "1",
            ])
            started += 1
            // Kill at staggered moments: before, during and after the transaction.
            usleep(UInt32(attempt * 4_000))
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        let statement = try BudgetLedger(path: path).statement(dataset: "crash")
        #expect(statement.charges.count <= started)
        #expect(statement.charges.allSatisfy { $0.cost == .pure(epsilon: 1) && $0.mechanism == "victim" })
        #expect(abs(statement.spent.epsilon - Double(statement.charges.count)) < 1e-9)
        // The ledger still works after the kills.
        try ledger.charge(dataset: "crash", mechanism: "after", cost: .pure(epsilon: 1), seeded: false)
        #expect(try ledger.statement(dataset: "crash").charges.last?.mechanism == "after")
    }
}

/// A database table's budget covers every table that reads some of its rows, a file's every copy of
/// its records.
@Suite struct DataFingerprintTests {
    /// A file's fingerprint names its bytes and its records: a copy saved in another form (other
    /// bytes, the same records) is the same data, for its own budget and against a second one;
    /// other records are other data; a fingerprint written as the bytes' hash alone names the
    /// same file still.
    @Test func aFileSavedInAnotherFormIsTheSameData() throws {
        let (bytes, copyBytes, otherBytes) = (
            String(repeating: "a", count: 64), String(repeating: "b", count: 64),
            String(repeating: "c", count: 64)
        )
        let file = DataFingerprint.of(fileBytes: bytes, records: "r1")
        let copy = DataFingerprint.of(fileBytes: copyBytes, records: "r1")
        let other = DataFingerprint.of(fileBytes: otherBytes, records: "r2")
        #expect(DataFingerprint.sameData(file, copy) && !DataFingerprint.sameData(file, other))
        let encoded = DataFingerprint.of(fileBytes: bytes, records: "r1", encoded: "e1")
        let respelt = DataFingerprint.of(fileBytes: otherBytes, records: "r3", encoded: "e1")
        #expect(DataFingerprint.sameData(respelt, encoded) && !DataFingerprint.sameData(respelt, file))
        #expect(DataFingerprint.sameData(bytes, file) && !DataFingerprint.sameData(bytes, copy))
        let table = DataFingerprint.of(relations: RelationNames(byName: ["t"], byObject: ["1"]))
        #expect(!DataFingerprint.overlaps(file, table) && !DataFingerprint.sameData(file, table))

        let folder = try CommandRunner.temporaryDirectory()
        let ledger = try BudgetLedger(path: folder.appendingPathComponent("l.sqlite").path)
        try ledger.initialise(dataset: "people", epsilon: 1, delta: 0, fingerprint: file)
        #expect(throws: LedgerError.self) {
            try ledger.initialise(dataset: "people-copy", epsilon: 1, delta: 0, fingerprint: copy)
        }
        // The same data: accepted without a new version, its bytes' hash recorded as it is checked.
        #expect(try ledger.checkData(dataset: "people", fingerprint: copy, declareNewVersion: false) == nil)
        #expect(throws: LedgerError.self) {
            try ledger.checkData(dataset: "people", fingerprint: other, declareNewVersion: false)
        }
        let older = try BudgetLedger(path: folder.appendingPathComponent("older.sqlite").path)
        try older.initialise(dataset: "people", epsilon: 1, delta: 0, fingerprint: bytes)
        #expect(throws: LedgerError.self) {
            try older.initialise(dataset: "people-again", epsilon: 1, delta: 0, fingerprint: file)
        }
    }

    /// A budget bound to a file's bytes alone (as older ledgers hold it) covered no copy of the
    /// file in another form, since its records were never named. A run on the file itself now
    /// records them as it checks its data, spent budget or not, and from then on the copy finds
    /// the budget; a run that names nothing new records nothing, and a table's names are never
    /// added.
    @Test func aRunRecordsNamesItsBudgetsDataLacked() throws {
        let (bytes, copyBytes) = (String(repeating: "a", count: 64), String(repeating: "b", count: 64))
        let file = DataFingerprint.of(fileBytes: bytes, records: "r1")
        let copy = DataFingerprint.of(fileBytes: copyBytes, records: "r1")
        let path = try CommandRunner.temporaryDirectory().appendingPathComponent("l.sqlite").path
        let ledger = try BudgetLedger(path: path)
        try ledger.initialise(dataset: "people", epsilon: 1, delta: 0, fingerprint: bytes)
        #expect(try ledger.dataset(budgeting: copy) == nil)
        try ledger.charge(dataset: "people", mechanism: "laplace", cost: .pure(epsilon: 1), seeded: false)
        #expect(try ledger.checkData(dataset: "people", fingerprint: file, declareNewVersion: false) == nil)
        #expect(try ledger.dataset(budgeting: copy) == "people")
        #expect(throws: LedgerError.self) {
            try ledger.initialise(dataset: "people-copy", epsilon: 1, delta: 0, fingerprint: copy)
        }
        #expect(try ledger.checkData(dataset: "people", fingerprint: file, declareNewVersion: false) == nil)
        #expect(try BudgetLedger.verify(path: path).problems.isEmpty)

        // A copy another budget already covers: the names are that budget's, and the run is refused.
        let other = try BudgetLedger(path: path + "-other")
        try other.initialise(dataset: "people", epsilon: 1, delta: 0, fingerprint: bytes)
        try other.initialise(dataset: "people-copy", epsilon: 1, delta: 0, fingerprint: copy)
        #expect(throws: LedgerError.self) {
            try other.checkData(dataset: "people", fingerprint: file, declareNewVersion: false)
        }

        let table = DataFingerprint.of(relations: RelationNames(byName: ["t"], byObject: ["1"]))
        let renamed = DataFingerprint.of(relations: RelationNames(byName: ["t2"], byObject: ["1"]))
        try ledger.initialise(dataset: "rows", epsilon: 1, delta: 0, fingerprint: table)
        #expect(try ledger.checkData(dataset: "rows", fingerprint: renamed, declareNewVersion: false) == nil)
        #expect(try ledger.dataset(budgeting: DataFingerprint.of(relations: RelationNames(byName: ["t2"]))) == nil)
    }

    /// A table read through a schema names its encoded rows, as a file does: a file or another
    /// table with those rows is its data. A run on a budget's table records the rows it holds
    /// now, so an export made later finds the budget; a table whose rows changed is still its
    /// budget's table.
    @Test func aTablesEncodedRowsBindItsCopies() throws {
        let path = try CommandRunner.temporaryDirectory().appendingPathComponent("l.sqlite").path
        let ledger = try BudgetLedger(path: path)
        let relations = DataFingerprint.of(relations: RelationNames(byName: ["t"], byObject: ["1"]))
        let copyRelations = DataFingerprint.of(relations: RelationNames(byName: ["c"], byObject: ["2"]))
        let (bytes, other) = (String(repeating: "a", count: 64), String(repeating: "b", count: 64))
        try ledger.initialise(dataset: "table", epsilon: 1, delta: 0, fingerprint: relations)
        let export = DataFingerprint.of(fileBytes: bytes, records: "r1", encoded: "e1")
        #expect(try ledger.dataset(budgeting: export) == nil)
        let read = DataFingerprint.of(table: relations, encoded: "e1")
        #expect(try ledger.checkData(dataset: "table", fingerprint: read, declareNewVersion: false) == nil)
        #expect(try ledger.dataset(budgeting: export) == "table")
        #expect(try ledger.checkData(dataset: "table", fingerprint: read, declareNewVersion: false) == nil)
        #expect(try BudgetLedger.verify(path: path).head.sequence == 2, "recorded once")
        for copy in [export, DataFingerprint.of(table: copyRelations, encoded: "e1")] {
            #expect(throws: LedgerError.self) {
                try ledger.initialise(dataset: "copy", epsilon: 1, delta: 0, fingerprint: copy)
            }
            #expect(try ledger.checkData(dataset: "table", fingerprint: copy, declareNewVersion: false) == nil)
        }
        let changed = DataFingerprint.of(table: relations, encoded: "e2")
        #expect(try ledger.checkData(dataset: "table", fingerprint: changed, declareNewVersion: false) == nil)
        // A copy of rows the table holds now, budgeted before a run on the table read them: the
        // next run on the table is refused as that copy's data.
        try ledger.initialise(
            dataset: "early copy", epsilon: 1, delta: 0,
            fingerprint: DataFingerprint.of(fileBytes: String(repeating: "c", count: 64), records: "r9", encoded: "e9"))
        #expect(throws: LedgerError.self) {
            try ledger.checkData(
                dataset: "table", fingerprint: DataFingerprint.of(table: relations, encoded: "e9"),
                declareNewVersion: false)
        }

        // A file budgeted first: a table of its rows is its data.
        try ledger.initialise(
            dataset: "file", epsilon: 1, delta: 0,
            fingerprint: DataFingerprint.of(fileBytes: other, records: "r2", encoded: "e3"))
        let loaded = DataFingerprint.of(table: copyRelations, encoded: "e3")
        #expect(try ledger.dataset(budgeting: loaded) == "file")
        #expect(try ledger.checkData(dataset: "file", fingerprint: loaded, declareNewVersion: false) == nil)
        #expect(
            DataFingerprint.sameData(read, changed)
                && !DataFingerprint.sameData(read, DataFingerprint.of(table: copyRelations, encoded: "e2")))
    }

    @Test func fingerprintsThatShareARelationOverlap() throws {
        let table = DataFingerprint.of(relations: RelationNames(byName: ["t"], byObject: ["1"]))
        let join = DataFingerprint.of(relations: RelationNames(byName: ["t", "dummy"], byObject: ["1", "2"]))
        let other = DataFingerprint.of(relations: RelationNames(byName: ["u"], byObject: ["3"]))
        #expect(DataFingerprint.overlaps(table, join) && !DataFingerprint.overlaps(table, other))
        #expect(DataFingerprint.overlaps("abc", "abc") && !DataFingerprint.overlaps("abc", table))

        let path = FileManager.default.temporaryDirectory.appendingPathComponent("fp-\(UUID().uuidString).sqlite").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let ledger = try BudgetLedger(path: path)
        try ledger.initialise(dataset: "people", epsilon: 1, delta: 0, fingerprint: table)
        #expect(throws: LedgerError.self) {
            try ledger.initialise(dataset: "people-joined", epsilon: 1, delta: 0, fingerprint: join)
        }
        try ledger.initialise(dataset: "others", epsilon: 1, delta: 0, fingerprint: other)
        #expect(throws: LedgerError.self) {
            try ledger.checkData(dataset: "others", fingerprint: join, declareNewVersion: true)
        }
    }

    /// A table renamed keeps its object identifiers: the same relations, so its own dataset runs on
    /// without a new data version, while a join over it does not pass for it. A fingerprint written
    /// before object identifiers (names alone) is the same relations as its names.
    @Test func aRenamedTableIsTheSameRelations() throws {
        let table = DataFingerprint.of(relations: RelationNames(byName: ["t"], byObject: ["1"]))
        let renamed = DataFingerprint.of(relations: RelationNames(byName: ["t2"], byObject: ["1"]))
        let join = DataFingerprint.of(relations: RelationNames(byName: ["t", "u"], byObject: ["1", "2"]))
        let older = DataFingerprint.of(relations: RelationNames(byName: ["t"]))
        #expect(DataFingerprint.sameData(table, renamed) && !DataFingerprint.sameData(table, join))
        #expect(DataFingerprint.sameData(older, table) && !DataFingerprint.sameData(older, renamed))
        #expect(!DataFingerprint.sameData("abc", table) && DataFingerprint.sameData("abc", "abc"))

        let path = try CommandRunner.temporaryDirectory().appendingPathComponent("l.sqlite").path
        let ledger = try BudgetLedger(path: path)
        try ledger.initialise(dataset: "people", epsilon: 1, delta: 0, fingerprint: table)
        try ledger.checkData(dataset: "people", fingerprint: renamed, declareNewVersion: false)
        #expect(throws: LedgerError.self) {
            try ledger.checkData(dataset: "people", fingerprint: join, declareNewVersion: false)
        }
    }
}

extension BudgetLedgerTests {
    /// A dataset name holding a NUL is refused: a database's text ends there, so the stored name
    /// differed from the hashed one and the ledger read as tampered for everyone (a helper's pass).
    @Test func aDatasetNameWithANULIsRefused() throws {
        let (ledger, path) = try freshLedger()
        #expect(throws: LedgerError.self) { try ledger.initialise(dataset: "newds\0x", epsilon: 1, delta: 1e-6) }
        try ledger.initialise(dataset: "newds", epsilon: 1, delta: 1e-6)
        #expect(try BudgetLedger(path: path).statement(dataset: "newds").charges.isEmpty)
    }
}

extension BudgetLedgerTests {
    /// A release gate's holdout spent privacy in the training dataset's budget, unrecorded for
    /// its own people: it could then be declared a dataset with a fresh budget, or be declared as
    /// a new version of another dataset's data.
    @Test func dataMeasuredAsAHoldoutTakesNoBudgetOfItsOwn() throws {
        let (ledger, _) = try freshLedger()
        try ledger.initialise(dataset: "train", epsilon: 1, delta: 0, fingerprint: "aa")
        try ledger.charge(
            dataset: "train", mechanism: "release-gate", parameters: #"{"model":"m","measured":["bb"]}"#,
            cost: .pure(epsilon: 0.05), seeded: false)
        #expect(throws: LedgerError.self) {
            try ledger.initialise(dataset: "holdout", epsilon: 1, delta: 0, fingerprint: "bb")
        }
        try ledger.initialise(dataset: "other", epsilon: 1, delta: 0, fingerprint: "cc")
        #expect(throws: LedgerError.self) {
            try ledger.checkData(dataset: "other", fingerprint: "bb", declareNewVersion: true)
        }
        #expect(try ledger.dataset(measuring: "bb", otherThan: "other") == "train")
        #expect(try ledger.dataset(measuring: "bb", otherThan: "train") == nil)
        #expect(try ledger.dataset(measuring: "dd", otherThan: "other") == nil)
    }

    /// A run that declared a new version of its data and was then refused its budget left the
    /// version recorded (the check wrote it before the charge). The version is now recorded with
    /// the run's first reservation or charge, in that transaction.
    @Test func aDeclaredVersionIsRecordedOnlyWithASpend() throws {
        let (ledger, path) = try freshLedger()
        try ledger.initialise(dataset: "d", epsilon: 1, delta: 0, fingerprint: "aa")
        let declared = try ledger.checkData(dataset: "d", fingerprint: "bb", declareNewVersion: true)
        #expect(declared == DataVersionDeclaration(dataset: "d", fingerprint: "bb", declaredNewVersion: true))
        let budget = LedgerBudget(ledger: ledger, dataset: "d", declaring: declared)
        #expect(throws: LedgerError.self) { try budget.reserve(.pure(epsilon: 2)) }
        #expect(throws: LedgerError.self, "a refused run recorded its data version") {
            try ledger.checkData(dataset: "d", fingerprint: "bb", declareNewVersion: false)
        }
        let reserved = try budget.reserve(.pure(epsilon: 0.5))
        #expect(try ledger.checkData(dataset: "d", fingerprint: "bb", declareNewVersion: false) == nil)
        // Recorded once, whatever charges follow under the same declaration.
        _ = try reserved.charge(
            Charge(mechanism: "laplace", parameters: [String: Int](), cost: .pure(epsilon: 0.25), seeded: false))
        _ = try budget.charge(
            Charge(mechanism: "laplace", parameters: [String: Int](), cost: .pure(epsilon: 0.25), seeded: false))
        #expect(try BudgetLedger.verify(path: path).problems.isEmpty)
        #expect(try ledger.statement(dataset: "d").charges.count == 2)
    }

    /// Two runs on a budget bound to no data yet, neither declaring a new version: the first to
    /// spend binds it, and the other's data is refused, not recorded as a version (the recording
    /// checked again as if it had been declared).
    @Test func anUndeclaredRunCannotBecomeANewVersionByRacing() throws {
        let (ledger, _) = try freshLedger()
        try ledger.initialise(dataset: "d", epsilon: 1, delta: 0)
        let first = try ledger.checkData(dataset: "d", fingerprint: "x", declareNewVersion: false)
        let second = try ledger.checkData(dataset: "d", fingerprint: "y", declareNewVersion: false)
        _ = try LedgerBudget(ledger: ledger, dataset: "d", declaring: first).reserve(.pure(epsilon: 0.1))
        #expect(throws: LedgerError.self) {
            try LedgerBudget(ledger: ledger, dataset: "d", declaring: second).reserve(.pure(epsilon: 0.1))
        }
        #expect(throws: LedgerError.self) {
            try ledger.checkData(dataset: "d", fingerprint: "y", declareNewVersion: false)
        }
    }

    /// A process killed while it created a ledger left its hidden file (and journal) beside the
    /// ledger for ever; the next open removes those whose creator no longer runs.
    @Test func aKilledCreationsFileIsRemoved() throws {
        let folder = try CommandRunner.temporaryDirectory()
        let gone = Process()
        gone.executableURL = URL(fileURLWithPath: "/bin/true")
        try gone.run()
        gone.waitUntilExit()
        let here = { (pid: Int32) in LocalHolder.tag << 32 | Int64(pid) }
        let abandoned = [
            ".l.sqlite.new-\(here(gone.processIdentifier))-7",
            ".l.sqlite.new-\(here(gone.processIdentifier))-7-journal",
        ]
        let running = ".l.sqlite.new-\(here(getpid()))-8"
        // An earlier version's names (a bare process id, maybe another container's): only a
        // creation long past is taken for abandoned.
        let earlier = ".l.sqlite.new-\(gone.processIdentifier)-9"
        let earlierLongPast = ".l.sqlite.new-\(gone.processIdentifier)-10"
        for name in abandoned + [running, earlier, earlierLongPast] {
            try Data().write(to: folder.appendingPathComponent(name))
        }
        try FileManager.default.setAttributes(
            [.modificationDate: Date(timeIntervalSinceNow: -3600)],
            ofItemAtPath: folder.appendingPathComponent(earlierLongPast).path)
        _ = try BudgetLedger(path: folder.appendingPathComponent("l.sqlite").path)
        let left = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        #expect(!left.contains { (abandoned + [earlierLongPast]).contains($0) }, "\(left)")
        #expect(left.contains(running) && left.contains(earlier), "\(left)")
        _ = try BudgetLedger(path: folder.appendingPathComponent("l.sqlite").path)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).contains(running))
    }
}
