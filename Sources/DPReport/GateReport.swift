import Foundation

/// What the release gate measured and decided, in differentially private figures only: every
/// number here is a noisy count, or a rate computed from noisy counts, so it may be published.
public struct GateReport: Sendable, Codable, Equatable {
    /// ε of one gate evaluation (pure ε-DP; the gate spends no δ).
    public let epsilon: Double
    /// How many gate evaluations this model has had, this one included; each drew a new sample
    /// and was charged ε.
    public let evaluations: Int
    /// The largest train-minus-holdout rate difference a check may show and pass.
    public let maxAdvantage: Double
    /// The noisy number of training and holdout rows the rates are computed over.
    public let noisyTrainRows: Int
    public let noisyHoldoutRows: Int
    public let checks: [Check]
    /// Whether the noisy counts show no sign that the holdout holds the training rows (absent in
    /// reports of older versions).
    public let holdout: HoldoutCheck?
    public let passed: Bool
    /// The document that proves the gate's guarantee.
    public let proof: String

    public init(
        epsilon: Double, evaluations: Int, maxAdvantage: Double, noisyTrainRows: Int, noisyHoldoutRows: Int,
        checks: [Check], holdout: HoldoutCheck?, proof: String
    ) {
        self.epsilon = epsilon
        self.evaluations = evaluations
        self.maxAdvantage = maxAdvantage
        self.noisyTrainRows = noisyTrainRows
        self.noisyHoldoutRows = noisyHoldoutRows
        self.checks = checks
        self.holdout = holdout
        passed = checks.allSatisfy(\.passed) && holdout?.passed != false
        self.proof = proof
    }

    /// One check: the noisy share of training rows and of holdout rows the synthetic table
    /// discloses in the check's sense, and their difference (the advantage the table gives an
    /// attacker on the people it was fitted to over people it never saw).
    public struct Check: Sendable, Codable, Equatable {
        public let name: String
        public let meaning: String
        public let noisyTrainRate: Double
        public let noisyHoldoutRate: Double
        public let advantage: Double
        public let passed: Bool

        public init(
            name: String, meaning: String, noisyTrainRate: Double, noisyHoldoutRate: Double, maxAdvantage: Double
        ) {
            self.name = name
            self.meaning = meaning
            self.noisyTrainRate = noisyTrainRate
            self.noisyHoldoutRate = noisyHoldoutRate
            advantage = noisyTrainRate - noisyHoldoutRate
            passed = advantage <= maxAdvantage
        }
    }

    /// The noisy counts of rare rows (held at most once in each table) that tell whether the
    /// holdout holds the training table's rows, and the verdict drawn from them and the noisy row
    /// counts (`HoldoutOverlap.sharesRows`, in DPRelease). A holdout that holds the training rows
    /// would make every check compare the table with itself, so a sign of one fails the gate.
    public struct HoldoutCheck: Sendable, Codable, Equatable {
        /// Rare rows held once in each table.
        public let noisySharedRows: Int
        public let noisyTrainingOnlyRows: Int
        public let noisyHoldoutOnlyRows: Int
        /// False when the noisy counts show the holdout holding the training table's rows.
        public let passed: Bool

        /// One line for summaries: the noisy counts and the verdict.
        public var summary: String {
            "holdout overlap: noisy rows one of a kind in both tables \(noisySharedRows), in the training table "
                + "only \(noisyTrainingOnlyRows), in the holdout only \(noisyHoldoutOnlyRows): "
                + (passed ? "no sign that the holdout holds the training rows" : "the holdout holds the training rows")
        }

        public init(noisySharedRows: Int, noisyTrainingOnlyRows: Int, noisyHoldoutOnlyRows: Int, passed: Bool) {
            self.noisySharedRows = noisySharedRows
            self.noisyTrainingOnlyRows = noisyTrainingOnlyRows
            self.noisyHoldoutOnlyRows = noisyHoldoutOnlyRows
            self.passed = passed
        }
    }

    /// One line per failed check, for the decision's reasons.
    public var failures: [String] {
        let advantages = checks.filter { !$0.passed }.map {
            "\($0.name) (release gate, DP): noisy advantage \(Self.format($0.advantage)) exceeds "
                + "\(Self.format(maxAdvantage)) (training rate \(Self.format($0.noisyTrainRate)), holdout rate "
                + "\(Self.format($0.noisyHoldoutRate)))"
        }
        guard let holdout, !holdout.passed else { return advantages }
        return [
            "holdout (release gate, DP): the noisy counts say the holdout holds the training table's rows "
                + "(noisy rows one of a kind: \(holdout.noisySharedRows) in both tables, "
                + "\(holdout.noisyTrainingOnlyRows) in the training table only, \(holdout.noisyHoldoutOnlyRows) in "
                + "the holdout only), so the checks would compare the table with itself; put a separate split of the "
                + "data (real rows the generator never saw) at the holdout's path: a rerun of this config reuses the "
                + "fitted model and pays only a new gate evaluation"
        ] + advantages
    }

    static func format(_ value: Double) -> String {
        String(format: "%.4f", value)
    }
}
