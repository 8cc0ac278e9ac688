import DPTestSupport
import Foundation
import GRDB
import Testing

@testable import DPLedger

/// The file-name key (`BudgetLedger.fileNameKey`) is an entry of the chain: edited, removed from
/// the chain or left without its entry, it is named by `verify` and the ledger is refused.
extension LedgerChainTests {
    @Test func anEditedFileNameKeyIsNamed() throws {
        let path = try ledger()
        let key = try BudgetLedger(path: path).fileNameKey()
        #expect(try BudgetLedger(path: path).fileNameKey() == key, "made once and kept")
        let intact = try BudgetLedger.verify(path: path)
        #expect(intact.intact && intact.head.sequence == 5, "\(intact.problems)")
        #expect(
            try BudgetLedger.verify(path: path, anchors: [("report.json", intact.head)]).intact,
            "a head a report recorded at the key's entry is found")

        try alter(path, "UPDATE meta SET value = '\(String(repeating: "0", count: 64))' WHERE key = 'file_name_key'")
        let problems = try BudgetLedger.verify(path: path).problems
        #expect(problems.first?.contains("entry 5 (the file-name key) does not match its hash") == true, "\(problems)")
        expectRefused(path, "the file-name key")
    }

    @Test func aFileNameKeyWithoutItsEntryIsNamed() throws {
        let path = try ledger()
        _ = try BudgetLedger(path: path).fileNameKey()
        try BudgetLedger(path: path).charge(dataset: "d", mechanism: "m", cost: .pure(epsilon: 0.1), seeded: true)
        try alter(path, "DELETE FROM meta WHERE key = 'file_name_key_hash'")
        #expect(try BudgetLedger.verify(path: path).problems.first?.contains("the meta table was altered") == true)
        try alter(path, "DELETE FROM meta WHERE key = 'file_name_key_seq'")
        #expect(try BudgetLedger.verify(path: path).problems.first?.contains("entries 5...5 are missing") == true)
        expectRefused(path, "rows were deleted")
    }

    /// A key that an earlier build kept outside the chain is chained, as it stands, when the
    /// ledger is next opened, and its edits are named from then on.
    @Test func aFileNameKeyOutsideTheChainIsChainedOnOpening() throws {
        let path = try ledger()
        let legacy = String(repeating: "ab", count: 32)
        try alter(path, "INSERT INTO meta (key, value) VALUES ('file_name_key', '\(legacy)')")
        #expect(try BudgetLedger.verify(path: path).head.sequence == 4)
        let ledger = try BudgetLedger(path: path)
        #expect(try ledger.fileNameKey() == legacy)
        let chained = try BudgetLedger.verify(path: path)
        #expect(chained.intact && chained.head.sequence == 5, "\(chained.problems)")
        try alter(path, "UPDATE meta SET value = '\(String(repeating: "cd", count: 32))' WHERE key = 'file_name_key'")
        expectRefused(path, "(the file-name key) does not match its hash")
    }
}
