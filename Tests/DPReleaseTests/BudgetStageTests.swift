import DPLedger
import DPTestSupport
import Foundation
import Testing

@testable import DPRelease

/// The budget a run opens, and the data its charges may measure.
@Suite struct BudgetStageTests {
    /// One holdout served the gates of many datasets, its people spending in each budget and
    /// counted in none: a holdout another dataset's gate measured is refused before anything is
    /// declared or charged.
    @Test func aHoldoutAnotherDatasetsGateMeasuredIsRefused() throws {
        let path = try CommandRunner.temporaryDirectory().appendingPathComponent("l.sqlite").path
        let ledger = try BudgetLedger(path: path)
        try ledger.initialise(dataset: "first", epsilon: 1, delta: 0, fingerprint: "aa")
        try ledger.charge(
            dataset: "first", mechanism: "release-gate", parameters: #"{"measured":["hh"]}"#,
            cost: .pure(epsilon: 0.05), seeded: false)
        #expect(throws: ReleaseError.self) {
            try BudgetStage.open(
                ledger: path, dataset: "second", declare: (1, 0), hint: .commandLine, fingerprint: "bb",
                measured: [("holdout", "hh")])
        }
        #expect(try ledger.datasets() == ["first"])
        // The dataset whose gate measured it may measure it again.
        _ = try BudgetStage.open(
            ledger: path, dataset: "first", declare: nil, hint: .commandLine, fingerprint: "aa",
            measured: [("holdout", "hh")])
    }

    /// While a budget an earlier build bound to a file awaits review (`FormsReview`), a gate may
    /// not measure a holdout: it could be a copy of that budget's data in a form the ledger does
    /// not yet know. The run's own budget awaiting review does not hold its gate back.
    @Test func noHoldoutIsMeasuredWhileAnotherBudgetAwaitsReview() throws {
        let path = try CommandRunner.temporaryDirectory().appendingPathComponent("l.sqlite").path
        let ledger = try BudgetLedger(path: path)
        try ledger.initialise(dataset: "first", epsilon: 1, delta: 0, fingerprint: "file:aa+content-bb")
        try ledger.initialise(dataset: "second", epsilon: 1, delta: 0, fingerprint: "file:cc+content-dd")
        let earlier = try Python.run(
            "import sqlite3, sys; db = sqlite3.connect(sys.argv[1]); "
                + "db.execute(\"UPDATE meta SET value = '0' WHERE key = 'forms_version'\"); db.commit()",
            [path])
        #expect(earlier == 0)
        #expect(try BudgetLedger(path: path).datasetsAwaitingFormsReview() == ["first", "second"])
        let held = #expect(throws: ReleaseError.self) {
            try BudgetStage.open(
                ledger: path, dataset: "second", declare: nil, hint: .commandLine,
                fingerprint: "file:cc+content-dd+codes-ee", measured: [("holdout", "file:hh+content-ii")])
        }
        #expect(
            held.map { "\($0)".contains("holdout would be measured") && "\($0)".contains("dataset 'first'") } == true,
            "\(String(describing: held))")
        _ = try BudgetStage.open(
            ledger: path, dataset: "first", declare: nil, hint: .commandLine, fingerprint: "file:aa+content-bb+codes-ff"
        )
        _ = try BudgetStage.open(
            ledger: path, dataset: "second", declare: nil, hint: .commandLine,
            fingerprint: "file:cc+content-dd+codes-ee", measured: [("holdout", "file:hh+content-ii")])
    }

    /// A budget bound to a file's bytes alone (as older ledgers hold it) learnt the file's other
    /// names only with a run's spend, and a spent budget takes none: a copy in another form then
    /// got a fresh budget (a hostile pass). Opening the budget for the file records them, even
    /// when the run is then refused.
    @Test func aSpentBudgetLearnsItsDatasOtherNames() throws {
        let path = try CommandRunner.temporaryDirectory().appendingPathComponent("l.sqlite").path
        let ledger = try BudgetLedger(path: path)
        let bytes = String(repeating: "a", count: 64)
        let file = DataFingerprint.of(fileBytes: bytes, records: "r1")
        let copy = DataFingerprint.of(fileBytes: String(repeating: "b", count: 64), records: "r1")
        try ledger.initialise(dataset: "people", epsilon: 1, delta: 0, fingerprint: bytes)
        try ledger.charge(dataset: "people", mechanism: "laplace", cost: .pure(epsilon: 1), seeded: false)
        let budget = try BudgetStage.open(
            ledger: path, dataset: "people", declare: nil, hint: .commandLine, fingerprint: file)
        #expect(throws: LedgerError.self) { try budget.reserve(.pure(epsilon: 0.1)) }
        #expect(try ledger.dataset(budgeting: copy) == "people")
        #expect(throws: LedgerError.self) {
            try ledger.initialise(dataset: "people-copy", epsilon: 1, delta: 0, fingerprint: copy)
        }
        #expect(try BudgetLedger.verify(path: path).problems.isEmpty)
    }
}
