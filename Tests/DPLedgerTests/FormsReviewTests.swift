import DPTestSupport
import Foundation
import GRDB
import Testing

@testable import DPLedger

/// A budget an earlier build bound to a file knows it only by that build's digests, so a copy in
/// another form would not find it: such a budget awaits review, and until a run reads its data
/// through a schema the ledger binds no other budget to new data (`FormsReview`).
extension LedgerChainTests {
    /// A ledger holding budget 't' bound to a file by an earlier build (no forms version, no
    /// review table) and budget 'u' bound to nothing; opened by this build.
    func ledgerOfAnEarlierBuild() throws -> String {
        let path = try CommandRunner.temporaryDirectory().appendingPathComponent("l.sqlite").path
        let ledger = try BudgetLedger(path: path)
        try ledger.initialise(dataset: "t", epsilon: 1, delta: 1e-6, fingerprint: "file:aa+content-bb")
        try ledger.initialise(dataset: "u", epsilon: 1, delta: 1e-6)
        try alter(
            path,
            "DELETE FROM meta WHERE key = 'forms_version'; DROP TABLE forms_review; "
                + "UPDATE meta SET value = '2' WHERE key = 'schema_version'")
        #expect(try BudgetLedger.verify(path: path).intact)
        return path
    }

    @Test func aBudgetBoundByAnEarlierBuildHoldsBackNewData() throws {
        let path = try ledgerOfAnEarlierBuild()
        let ledger = try BudgetLedger(path: path)
        #expect(try ledger.datasetsAwaitingFormsReview() == ["t"])
        #expect(try ledger.read { try $0.string("SELECT value FROM meta WHERE key = 'schema_version'") } == "3")
        func expectHeldBack(_ body: () throws -> Void) {
            do {
                try body()
                Issue.record("new data was bound while 't' awaits review")
            } catch let error as LedgerError {
                #expect(
                    error.description.contains("dataset 't'") && error.description.contains("ledger forms"), "\(error)")
            } catch {
                Issue.record("unexpected \(error)")
            }
        }
        // A copy of t's file in another form, under a budget of its own or as u's first data.
        let copy = "file:cc+content-dd+codes-ee"
        expectHeldBack { try ledger.initialise(dataset: "v", epsilon: 1, delta: 1e-6, fingerprint: copy) }
        expectHeldBack { _ = try ledger.checkData(dataset: "u", fingerprint: copy, declareNewVersion: false) }

        // Its own file read without a schema: its records are recorded, the review still awaits
        // the encoded rows.
        #expect(try ledger.checkData(dataset: "t", fingerprint: "file:aa+content-dd", declareNewVersion: false) == nil)
        #expect(try ledger.datasetsAwaitingFormsReview() == ["t"])
        // Read through a schema: reviewed, and the copy now finds t's budget.
        #expect(
            try ledger.checkData(dataset: "t", fingerprint: "file:aa+content-dd+codes-ee", declareNewVersion: false)
                == nil)
        #expect(try ledger.datasetsAwaitingFormsReview().isEmpty)
        do {
            try ledger.initialise(dataset: "v", epsilon: 1, delta: 1e-6, fingerprint: copy)
            Issue.record("a copy of t's data was given a budget")
        } catch let error as LedgerError {
            #expect(error.description.contains("under dataset 't'"), "\(error)")
        }
        #expect(try ledger.checkData(dataset: "u", fingerprint: "file:ff+content-gg", declareNewVersion: false) != nil)

        let verified = try BudgetLedger.verify(path: path)
        #expect(
            verified.intact && verified.head.sequence == 6, "two budgets, a mark, t's new names, a review: \(verified)")
        #expect(try BudgetLedger(path: path).datasetsAwaitingFormsReview().isEmpty, "a review is kept")
    }

    /// Each binding an earlier build made is reviewed by its own file alone: reading another of
    /// the budget's files, or data declared as a new version while it waits, ended the wait, and a
    /// copy of the first file then took a budget of its own (a hostile pass).
    /// The command a refusal names is pasted as it is: a ledger path with a space and a dataset
    /// named with a quote each stay one shell word.
    @Test func theCommandARefusalNamesQuotesItsWords() throws {
        let folder = try CommandRunner.temporaryDirectory().appendingPathComponent("my ledgers")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let path = folder.appendingPathComponent("l.sqlite").path
        try BudgetLedger(path: path).initialise(
            dataset: "Bob's", epsilon: 1, delta: 1e-6, fingerprint: "file:aa+content-bb")
        try alter(path, "UPDATE meta SET value = '0' WHERE key = 'forms_version'")
        do {
            try BudgetLedger(path: path).initialise(dataset: "o", epsilon: 1, delta: 1e-6, fingerprint: "file:cc")
            Issue.record("new data was bound while a budget awaits review")
        } catch let error as LedgerError {
            #expect(error.description.contains("--ledger '\(path)' --dataset 'Bob'\\''s' --data"), "\(error)")
        }
        #expect(ShellWord.quoted("/tmp/l.sqlite") == "/tmp/l.sqlite" && ShellWord.quoted("") == "''")
        #expect(ShellWord.quoted("postgresql://u@h:5/d?schema=x&y") == "'postgresql://u@h:5/d?schema=x&y'")
    }

    @Test func onlyABindingsOwnFileEndsItsWait() throws {
        let path = try CommandRunner.temporaryDirectory().appendingPathComponent("l.sqlite").path
        let ledger = try BudgetLedger(path: path)
        try ledger.initialise(dataset: "t", epsilon: 5, delta: 1e-6, fingerprint: "file:aa+content-bb")
        func declareVersion(_ fingerprint: String) throws {
            let version = try ledger.checkData(dataset: "t", fingerprint: fingerprint, declareNewVersion: true)
            try ledger.charge(dataset: "t", mechanism: "m", cost: .pure(epsilon: 0.1), seeded: true, declaring: version)
        }
        try declareVersion("file:cc+content-dd")
        try alter(
            path,
            "DELETE FROM meta WHERE key = 'forms_version'; DROP TABLE forms_review; "
                + "UPDATE meta SET value = '2' WHERE key = 'schema_version'")
        #expect(try BudgetLedger(path: path).datasetsAwaitingFormsReview() == ["t"])
        // A copy in another form, undeclared: the refusal says a review may make it t's data.
        #expect {
            try ledger.checkData(dataset: "t", fingerprint: "file:hh+content-ii+codes-jj", declareNewVersion: false)
        } throws: { "\($0)".contains("ledger forms --ledger \(path) --dataset t --data") }
        // A version declared while t waits, then read again: it reviews nothing.
        try declareVersion("file:ee+content-ff+codes-gg")
        #expect(
            try ledger.checkData(dataset: "t", fingerprint: "file:ee+content-ff+codes-gg", declareNewVersion: false)
                == nil)
        #expect(try ledger.datasetsAwaitingFormsReview() == ["t"])
        // The second file reviews its own binding, not the first's.
        _ = try ledger.checkData(dataset: "t", fingerprint: "file:cc+content-xx+codes-yy", declareNewVersion: false)
        #expect(try ledger.datasetsAwaitingFormsReview() == ["t"])
        _ = try ledger.checkData(dataset: "t", fingerprint: "file:aa+content-zz+codes-ww", declareNewVersion: false)
        #expect(try ledger.datasetsAwaitingFormsReview().isEmpty)
        #expect(try BudgetLedger.verify(path: path).intact)
    }

    /// A ledger made by this build awaits no review; one whose forms version is another's marks
    /// its budgets' bindings, to files and to tables, once, however often it is opened. A table's
    /// wait ends when it is read through a schema, which names its encoded rows.
    @Test func onlyBindingsOfAnotherFormsVersionAreMarked() throws {
        let path = try CommandRunner.temporaryDirectory().appendingPathComponent("l.sqlite").path
        let ledger = try BudgetLedger(path: path)
        try ledger.initialise(dataset: "t", epsilon: 1, delta: 1e-6, fingerprint: "file:aa+content-bb")
        try ledger.initialise(dataset: "r", epsilon: 1, delta: 1e-6, fingerprint: "rows:0123")
        #expect(try BudgetLedger(path: path).datasetsAwaitingFormsReview().isEmpty)
        try alter(path, "UPDATE meta SET value = '0' WHERE key = 'forms_version'")
        #expect(try BudgetLedger(path: path).datasetsAwaitingFormsReview() == ["r", "t"])
        #expect(try BudgetLedger(path: path).datasetsAwaitingFormsReview() == ["r", "t"])
        #expect(try BudgetLedger.verify(path: path).head.sequence == 4, "two marks")
        let reopened = try BudgetLedger(path: path)
        _ = try reopened.checkData(dataset: "r", fingerprint: "rows:0123", declareNewVersion: false)
        #expect(try reopened.datasetsAwaitingFormsReview() == ["r", "t"])
        _ = try reopened.checkData(dataset: "r", fingerprint: "rows:0123+codes-ab", declareNewVersion: false)
        #expect(try reopened.datasetsAwaitingFormsReview() == ["t"])
    }

    /// Two spellings of one accented name are two budgets to the database: each is marked and
    /// reviewed on its own.
    @Test func budgetsNamedInTwoUnicodeSpellingsAreMarkedApart() throws {
        let path = try CommandRunner.temporaryDirectory().appendingPathComponent("l.sqlite").path
        let (composed, decomposed) = ("caf\u{E9}", "cafe\u{301}")
        let ledger = try BudgetLedger(path: path)
        try ledger.initialise(dataset: composed, epsilon: 1, delta: 0, fingerprint: "file:aa+content-bb")
        try ledger.initialise(dataset: decomposed, epsilon: 1, delta: 0, fingerprint: "file:cc+content-dd")
        try alter(path, "UPDATE meta SET value = '0' WHERE key = 'forms_version'")
        let marked = try BudgetLedger(path: path).datasetsAwaitingFormsReview()
        #expect(marked.count == 2 && Set(marked.map { Array($0.utf8) }).count == 2, "\(marked)")
        _ = try ledger.checkData(
            dataset: composed, fingerprint: "file:aa+content-ee+codes-ff", declareNewVersion: false)
        let left = try ledger.datasetsAwaitingFormsReview()
        #expect(left.count == 1 && left.first.map { Array($0.utf8) } == Array(decomposed.utf8), "\(left)")
    }

    /// A forms version written by hand into a version-2 ledger (a `meta` row, outside the chain)
    /// skipped the marks (a hostile pass): a ledger of an earlier schema is marked whatever it says.
    @Test func aFormsVersionWrittenIntoAnEarlierLedgerSkipsNoMark() throws {
        let path = try ledgerOfAnEarlierBuild()
        try alter(path, "INSERT INTO meta (key, value) VALUES ('forms_version', '\(DataFingerprint.formsVersion)')")
        #expect(try BudgetLedger(path: path).datasetsAwaitingFormsReview() == ["t"])
    }

    /// A mark is an entry of the chain: removed or turned into a review, it is named.
    @Test func anEditedOrRemovedMarkIsNamed() throws {
        let path = try ledgerOfAnEarlierBuild()
        _ = try BudgetLedger(path: path)
        try BudgetLedger(path: path).charge(dataset: "u", mechanism: "m", cost: .pure(epsilon: 0.1), seeded: true)
        try alter(path, "UPDATE forms_review SET reviewed = 1")
        #expect(
            try BudgetLedger.verify(path: path).problems.first?.contains(
                "entry 3 (forms review of 't') does not match its hash")
                == true)
        expectRefused(path, "does not match its hash")
        try alter(path, "DELETE FROM forms_review")
        #expect(try BudgetLedger.verify(path: path).problems.first?.contains("entries 3...3 are missing") == true)
        try alter(path, "DROP TABLE forms_review")
        #expect(
            try BudgetLedger.verify(path: path).problems.first?.contains("table 'forms_review' is missing") == true)
    }
}
