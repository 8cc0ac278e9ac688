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
    public let passed: Bool
    /// The document that proves the gate's guarantee.
    public let proof: String

    public init(
        epsilon: Double, evaluations: Int, maxAdvantage: Double, noisyTrainRows: Int, noisyHoldoutRows: Int,
        checks: [Check], proof: String
    ) {
        self.epsilon = epsilon
        self.evaluations = evaluations
        self.maxAdvantage = maxAdvantage
        self.noisyTrainRows = noisyTrainRows
        self.noisyHoldoutRows = noisyHoldoutRows
        self.checks = checks
        passed = checks.allSatisfy(\.passed)
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

    /// One line per failed check, for the decision's reasons.
    public var failures: [String] {
        checks.filter { !$0.passed }.map {
            "\($0.name) (release gate, DP): noisy advantage \(Self.format($0.advantage)) exceeds "
                + "\(Self.format(maxAdvantage)) (training rate \(Self.format($0.noisyTrainRate)), holdout rate "
                + "\(Self.format($0.noisyHoldoutRate)))"
        }
    }

    static func format(_ value: Double) -> String {
        String(format: "%.4f", value)
    }
}
