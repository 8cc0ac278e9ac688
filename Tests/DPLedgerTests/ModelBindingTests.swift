import DPAccounting
import DPTestSupport
import Foundation
import Testing

@testable import DPLedger

/// Which charges a saved model's binding names: its own fit's, and, for a binding an earlier
/// version wrote, every charge in its entries (never fewer than its fit paid).
@Suite struct ModelBindingTests {
    /// Run B's fit lies inside run A's reservation, and each charges under its own.
    func overlappingRuns() throws -> (ledger: BudgetLedger, a: Int64, b: Int64) {
        let path = try CommandRunner.temporaryDirectory().appendingPathComponent("l.sqlite").path
        let ledger = try BudgetLedger(path: path)
        try ledger.initialise(dataset: "d", epsilon: 10, delta: 0)
        let a = try ledger.reserve(dataset: "d", cost: .pure(epsilon: 1))
        let b = try ledger.reserve(dataset: "d", cost: .pure(epsilon: 1))
        _ = try ledger.charge(dataset: "d", mechanism: "b", cost: .pure(epsilon: 0.1), seeded: true, reservation: b)
        _ = try ledger.charge(dataset: "d", mechanism: "a", cost: .pure(epsilon: 0.3), seeded: true, reservation: a)
        try ledger.endReservation(b)
        try ledger.endReservation(a)
        return (ledger, a, b)
    }

    @Test func aBindingNamesItsOwnFitsCharges() throws {
        let (ledger, a, b) = try overlappingRuns()
        #expect(
            try ledger.bind(model: "aa", dataset: "d", reservation: a, epsilon: 1, delta: 0).charges.map(\.mechanism)
                == ["a"])
        #expect(
            try ledger.bind(model: "bb", dataset: "d", reservation: b, epsilon: 1, delta: 0).charges.map(\.mechanism)
                == ["b"])
        #expect(try ledger.binding(model: "aa", dataset: "d")?.charges.map(\.mechanism) == ["a"])
        #expect(try ledger.binding(model: "bb", dataset: "d")?.charges.map(\.mechanism) == ["b"])
        #expect(try ledger.binding(model: "a", dataset: "d") == nil)
        #expect(try BudgetLedger.verify(path: ledger.path).intact)
    }

    /// A binding names the file its model was saved as and the run it was fitted for, read back as
    /// written; one written without a name (as earlier versions did) names none.
    @Test func aBindingNamesTheFileItsModelWasSavedAs() throws {
        let (ledger, a, b) = try overlappingRuns()
        try ledger.bind(
            model: "aa", dataset: "d", reservation: a, epsilon: 1, delta: 0, savedAs: "model-1f.json", fittedFor: "r1")
        try ledger.bind(model: "bb", dataset: "d", reservation: b, epsilon: 1, delta: 0)
        let named = try ledger.binding(model: "aa", dataset: "d")
        #expect(named?.savedAs == "model-1f.json" && named?.charges.map(\.mechanism) == ["a"])
        #expect(named?.fittedFor == "r1")
        #expect(try ledger.savedNames(dataset: "d", fittedFor: "r1") == ["model-1f.json"])
        #expect(try ledger.savedNames(dataset: "d", fittedFor: "r2").isEmpty)
        #expect(try ledger.binding(model: "bb", dataset: "d")?.savedAs == nil)
        #expect(try BudgetLedger.verify(path: ledger.path).intact)
    }

    /// An earlier version bound run B's model to the entries from the head before its fit to the
    /// head after: here run A's reservation opens that range and A's end closes it. Read as A's
    /// reservation, B's report would state A's charges (fewer than B paid, possibly); it names
    /// every charge in the range.
    @Test func aBindingAnEarlierVersionWroteNamesEveryChargeInItsEntries() throws {
        let (ledger, _, _) = try overlappingRuns()
        let head = try ledger.head().sequence
        // Entries: budget 1, reservation A 2, reservation B 3, two charges 4-5, two ends 6-7.
        #expect(head == 7)
        try ledger.write { db in
            let content = LedgerEntry.binding(model: "bb", dataset: "d", first: 2, last: 7, epsilon: 1, delta: 0)
            let entry = try BudgetLedger.append(content, db)
            try db.execute(
                """
                INSERT INTO binding (model, dataset, first_seq, last_seq, epsilon, delta, seq, hash)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """, ["bb", "d", Int64(2), Int64(7), 1.0, 0.0, entry.sequence, entry.hash])
        }
        #expect(try ledger.binding(model: "bb", dataset: "d")?.charges.map(\.mechanism) == ["b", "a"])
        #expect(try BudgetLedger.verify(path: ledger.path).intact)
    }
}
