import DPAccounting
import DPData
import DPLedger
import DPMechanisms
import DPRandomness
import DPReport
import Foundation

/// The differentially private release gate: decides whether a fixed synthetic table is released
/// by noisy threshold tests on real data, never by exact figures.
///
/// For each check it counts the training rows and the holdout rows the synthetic table discloses
/// (`GateCheck`), and how the two tables' rare rows meet (`HoldoutOverlap`); it adds exact
/// discrete Laplace noise to those counts and to the two row counts, and passes the table when,
/// for every check, the noisy training rate exceeds the noisy holdout rate by at most
/// `maxAdvantage`, and the noisy overlap does not say the holdout is the training rows (a gate
/// comparing the table with itself would pass anything). The decision and the rates are
/// post-processing of the noisy counts.
///
/// Privacy: one evaluation is `epsilon`-DP with respect to adding or removing one person in the
/// training rows or in the holdout rows, the synthetic table fixed; it is charged to the budget
/// before any noise is drawn. With the synthesis, the released table and the decision are
/// (ε_synthesis + ε_gate, δ)-DP by adaptive composition (Proofs/release-gate.md).
public struct ReleaseGate: Sendable {
    public static let proofDocument = "Proofs/release-gate.md"
    /// The mechanism name of a gate evaluation's ledger charge.
    public static let mechanismName = "release-gate"
    /// The default share of the release's ε the gate spends.
    public static let defaultShare = 0.05
    /// The default largest advantage a check may show and pass.
    public static let defaultMaxAdvantage = 0.05

    public let epsilon: Double
    public let maxAdvantage: Double
    public let checks: [GateCheck]
    let mechanism: IntegerLaplaceMechanism

    /// A gate spending `epsilon` per evaluation. Adding one person to the training (or holdout)
    /// rows changes that side's row count by one, each check's count by at most one, the other
    /// side's counts not at all, and the overlap counts by at most two in L1: the L1 sensitivity
    /// of the released vector is checks + 3.
    public init(epsilon: Double, maxAdvantage: Double, checks: [GateCheck]) throws {
        guard maxAdvantage.isFinite && maxAdvantage >= 0 && maxAdvantage <= 1 else {
            throw ReleaseError("the gate's max_advantage must lie in [0, 1] (got \(maxAdvantage))")
        }
        self.epsilon = epsilon
        self.maxAdvantage = maxAdvantage
        self.checks = checks
        mechanism = try IntegerLaplaceMechanism(
            sensitivity: checks.count + Self.overlapSensitivity + 1, epsilon: epsilon)
    }

    /// The L1 sensitivity of the three overlap counts (`HoldoutOverlap`).
    static let overlapSensitivity = 2

    /// The name the ledger records for the overlap counts, after the checks'.
    static let overlapName = "holdout overlap"

    /// What one evaluation charges.
    public var cost: PrivacyCost { mechanism.privacyCost }

    /// The ledger parameters of one evaluation: which model's sample it judged, and its noise.
    public struct Parameters: Codable, Sendable, Equatable {
        public let model: String
        public let checks: [String]
        public let sensitivity: Int
        public let scale: String
        public let maxAdvantage: Double
        /// Fingerprints of data the evaluation measured besides the dataset's own (its holdout):
        /// the ledger refuses another budget for them (`BudgetLedger.measuredKey`).
        public let measured: [String]?
    }

    /// Counts what `synthetic` discloses of `train` and `holdout`, and how their rare rows meet
    /// (`HoldoutOverlap`), charges `budget` for one evaluation, then draws the noise; returns the
    /// noisy counts, which `report` turns into the decision. `model` is the hash of the fitted
    /// model the table was sampled from; the charge records it so the evaluations of a model can
    /// be counted, and `holdoutFingerprint`, so the holdout's people are never given a budget of
    /// their own (they spent in this one).
    public func evaluate(
        train: EncodedDataset, holdout: EncodedDataset, synthetic: EncodedDataset, quasiIdentifiers: [Int],
        model: String, budget: any PrivacyBudget, source: RandomSource, holdoutFingerprint: String? = nil
    ) throws -> [Int] {
        let index = DisclosureIndex(synthetic: synthetic, checks: checks, quasiIdentifiers: quasiIdentifiers)
        let exact =
            [train.rowCount] + index.counts(train) + [holdout.rowCount] + index.counts(holdout)
            + HoldoutOverlap(training: train, holdout: holdout).counts
        let parameters = Parameters(
            model: model, checks: checks.map(\.description) + [Self.overlapName], sensitivity: mechanism.sensitivity,
            scale: "\(mechanism.scale)", maxAdvantage: maxAdvantage, measured: holdoutFingerprint.map { [$0] })
        let receipt = try budget.charge(
            Charge(mechanism: Self.mechanismName, parameters: parameters, cost: cost, seeded: source.isSeeded))
        return mechanism.release(exact, paidBy: receipt, source: source)
    }

    /// The gate's figures and decision from the noisy counts (post-processing only).
    public func report(noisy: [Int], evaluations: Int) -> GateReport {
        let width = checks.count + 1
        let trainRows = noisy[0]
        let holdoutRows = noisy[width]
        func rate(_ count: Int, _ rows: Int) -> Double { min(1, max(0, Double(count) / Double(max(rows, 1)))) }
        let overlap = HoldoutOverlap(
            shared: noisy[2 * width], trainingOnly: noisy[2 * width + 1], holdoutOnly: noisy[2 * width + 2])
        let sharesRows = overlap.sharesRows(
            trainingRows: trainRows, holdoutRows: holdoutRows,
            noiseScale: mechanism.scale.doubleValue)
        return GateReport(
            epsilon: epsilon, evaluations: evaluations, maxAdvantage: maxAdvantage, noisyTrainRows: trainRows,
            noisyHoldoutRows: holdoutRows,
            checks: checks.enumerated().map { position, check in
                GateReport.Check(
                    name: check.description, meaning: check.meaning,
                    noisyTrainRate: rate(noisy[1 + position], trainRows),
                    noisyHoldoutRate: rate(noisy[width + 1 + position], holdoutRows), maxAdvantage: maxAdvantage)
            },
            holdout: GateReport.HoldoutCheck(
                noisySharedRows: overlap.shared, noisyTrainingOnlyRows: overlap.trainingOnly,
                noisyHoldoutOnlyRows: overlap.holdoutOnly, passed: !sharesRows),
            proof: Self.proofDocument)
    }
}

extension ReleaseGate {
    /// The gate evaluations among `charges` that judged samples of the model hashing to `model`.
    public static func evaluations(of model: String, in charges: [LedgerCharge]) -> [LedgerCharge] {
        charges.filter { charge in
            charge.mechanism == mechanismName
                && (try? JSONDecoder().decode(Parameters.self, from: Data(charge.parameters.utf8)))?.model == model
        }
    }
}
