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
}
