import DPAccounting
import DPLedger
import DPSources
import Foundation

/// Opens the budget a run charges: a dataset's budget in a ledger, declared first when the run
/// brings a declaration and the ledger has none.
///
/// Privacy: declaring a budget spends nothing; every later charge is checked against it.
public enum BudgetStage {
    /// Where the declaration that the ledger lacks would come from, for the refusal's hint.
    public enum DeclarationHint: Sendable {
        case commandLine
        /// A command that declares no budget: only `dpsynth ledger init` can.
        case ledgerInit
        case config(String)
    }

    /// `dataset`'s budget in the ledger at `path`, declared as `declare` when the ledger has none,
    /// for the data with `fingerprint` (`DataFingerprint`): a budget covers only the data it was
    /// declared for, unless the run declares a new version of it (`newDataVersion`). `measured`
    /// names other data the run's charges measure too (a release gate's holdout): data another
    /// dataset's budget covers is refused, before anything is declared, since the run would
    /// measure its people without a charge to their budget.
    public static func open(
        ledger path: String, dataset: String, declare: (epsilon: Double, delta: Double)?, hint: DeclarationHint,
        fingerprint: String, newDataVersion: Bool = false, measured: [(name: String, fingerprint: String)] = []
    ) throws -> LedgerBudget {
        // A run that declares no budget creates no ledger: a missing one has no budget to spend.
        let ledger: BudgetLedger
        do {
            ledger = try LedgerOpener.open(path, creating: declare != nil)
        } catch LedgerError.unknownDataset(_) {
            throw noBudget(dataset: dataset, ledger: path, hint: hint)
        }
        if !measured.isEmpty {
            do {
                try ledger.refuseMeasuringWhileReviewsAwait(besides: dataset)
            } catch let error as LedgerError {
                throw ReleaseError(
                    "\(measured.map(\.name).joined(separator: ", ")) would be measured by the release gate while "
                        + "another budget awaits its forms review: \(error)")
            }
        }
        for other in measured {
            if let owner = try ledger.dataset(budgeting: other.fingerprint) {
                throw ReleaseError(
                    "\(other.name) is the data of dataset '\(owner)' in \(path): the release gate measures it "
                        + "without a charge to that budget. Use a holdout that no budget in the ledger covers.")
            }
            // One holdout serves one dataset's gate: its people spend in that budget alone.
            if let measurer = try ledger.dataset(measuring: other.fingerprint, otherThan: dataset) {
                throw ReleaseError(
                    "\(other.name) was measured by the release gate of dataset '\(measurer)' in \(path): its "
                        + "people spent privacy in that budget. Use a holdout no other dataset's gate has measured.")
            }
        }
        if try !ledger.datasets().contains(where: { BudgetLedger.sameDataset($0, dataset) }) {
            guard let declare else { throw noBudget(dataset: dataset, ledger: path, hint: hint) }
            try ledger.initialise(
                dataset: dataset, epsilon: declare.epsilon, delta: declare.delta, fingerprint: fingerprint)
            return ledger.budget(for: dataset)
        }
        let version = try ledger.checkData(
            dataset: dataset, fingerprint: fingerprint, declareNewVersion: newDataVersion)
        return LedgerBudget(ledger: ledger, dataset: dataset, declaring: version)
    }

    /// The refusal of a run that spends a budget the ledger at `ledger` lacks for `dataset`.
    static func noBudget(dataset: String, ledger path: String, hint: DeclarationHint) -> ReleaseError {
        switch hint {
        case .commandLine:
            return ReleaseError(
                "dataset '\(dataset)' has no budget in \(path); run `dpsynth ledger init --ledger "
                    + "\(ShellWord.quoted(path)) --dataset \(ShellWord.quoted(dataset)) --epsilon E --delta D` or pass "
                    + "--init-budget")
        case .ledgerInit:
            return ReleaseError(
                "dataset '\(dataset)' has no budget in \(path); run `dpsynth ledger init --ledger "
                    + "\(ShellWord.quoted(path)) --dataset \(ShellWord.quoted(dataset)) --epsilon E --delta D` first")
        case .config(let file):
            return ReleaseError(
                "\(file): dataset '\(dataset)' has no budget in \(path). "
                    + "Add 'dataset_budget: {epsilon: E, delta: D}' or run `dpsynth ledger init`.")
        }
    }
}

/// A release step that cannot go on, in one line for the command line.
public struct ReleaseError: UserFacingError, Equatable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
