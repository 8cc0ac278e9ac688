import DPAccounting
import DPData
import DPMechanisms
import DPRandomness
import Foundation

/// Spends a zCDP budget on one dataset: every measurement and selection is charged to the run's
/// slice of the budget before its noise is drawn, and the session never spends more than its ρ.
///
/// Privacy: marginals (L2 sensitivity 1 each under add/remove-one-row) get exact discrete
/// Gaussian noise, ρ = Σ 1/(2σ_i²); selections use the exponential mechanism, ε²/8-zCDP
/// (Proofs/marginal-generators.md).
public final class MeasurementSession {
    public static let proofDocument = "Proofs/marginal-generators.md"
    /// Noise scales are rounded up to multiples of 2^-16, so each is an exact rational that the
    /// sampler handles without loss, and ρ only shrinks by the rounding.
    static let sigmaGridBits = 16

    /// The private table; the session reads only its marginals.
    public let data: any PrivateTable
    public let source: RandomSource
    public let method: String
    /// The run's part of the budget: ρ, charged through to the caller's budget.
    let slice: BudgetSlice
    public private(set) var log: [String] = []

    public init(data: any PrivateTable, budget: any PrivacyBudget, rho: Double, method: String, source: RandomSource) {
        self.data = data
        self.slice = BudgetSlice(of: budget, limit: .zCDP(rho: rho))
        self.method = method
        self.source = source
    }

    public var rhoBudget: Double {
        guard case .zCDP(let rho) = slice.limit else { return 0 }
        return rho
    }
    public var rhoSpent: Double { slice.rhoSpent }
    public var rhoRemaining: Double { slice.rhoRemaining }

    /// What a joint marginal measurement records in the ledger.
    struct MeasurementParameters: Encodable {
        let method: String
        let marginals: [String]
        let sigma: [Double]
    }

    /// Measures each attribute set's marginal with discrete Gaussian noise whose total cost is at
    /// most `rho`, split in proportion to `weights` (ρ_i ∝ w_i²). The exact counts are read
    /// first (a database that fails to count fails before the charge), then the cost is charged,
    /// then the noise drawn. `view` may replace the data by a recoding of it that depends only on
    /// earlier DP outputs (each row still contributes one count per marginal).
    public func measure(
        _ attributeSets: [[Int]], rho: Double, weights: [Double]? = nil, on view: (any PrivateTable)? = nil
    ) throws -> [NoisyMarginal] {
        precondition(!attributeSets.isEmpty)
        guard rho.isFinite, rho > 0 else {
            throw GeneratorError.budget("a measurement needs a positive rho (got \(rho))")
        }
        let weights = weights ?? [Double](repeating: 1, count: attributeSets.count)
        let norm = weights.reduce(0) { $0 + $1 * $1 }.squareRoot()
        let grid = ExactRational.powerOfTwo(Self.sigmaGridBits)
        // σ_i = σ / w_i with σ = 1/sqrt(2ρ) for unit-norm weights; rounded up to the grid.
        let mechanisms = try weights.map { weight -> IntegerGaussianMechanism in
            let sigma = 1 / (2 * rho).squareRoot() / (weight / norm)
            let rounded = (ExactRational(exactly: sigma)! * grid).ceiling.exactRational / grid
            return try IntegerGaussianMechanism(sensitivity: 1, sigma: rounded)
        }
        let parameters = MeasurementParameters(
            method: method, marginals: attributeSets.map { $0.map(String.init).joined(separator: "x") },
            sigma: mechanisms.map(\.sigma.doubleValue))
        let tables = try (view ?? data).marginals(attributeSets.map { $0.sorted() })
        let receipt = try spend(
            IntegerGaussianMechanism.jointCost(mechanisms), mechanism: "discrete-gaussian marginals",
            parameters: parameters)
        return zip(tables, mechanisms).map { table, mechanism in
            let noisy = mechanism.release(table.counts.map { Int($0) }, paidBy: receipt, source: source)
            return NoisyMarginal(
                attributes: table.attributes, values: noisy.map(Double.init), sigma: mechanism.sigma.doubleValue)
        }
    }

    /// The index of the candidate chosen by the exponential mechanism at `epsilon` for scores of
    /// the given sensitivity, computed with `ScoreSum` (their rounding widens the sensitivity by
    /// `ScoreSum.selectionFactor`); charged (ε²/8 zCDP) before it draws.
    public func select(scores: [Double], epsilon: Double, sensitivity: Double, label: String) throws -> Int {
        let mechanism = try ExponentialMechanism(
            epsilon: epsilon, sensitivity: sensitivity * ScoreSum.selectionFactor)
        let choice = try budgetErrors {
            try mechanism.select(
                scores: scores, chargingTo: slice, cost: mechanism.zCDPCost, label: "\(method): \(label)",
                source: source)
        }
        log.append("exponential-mechanism: \(mechanism.zCDPCost)")
        return choice
    }

    private func spend(_ cost: PrivacyCost, mechanism: String, parameters: some Encodable) throws -> ChargeReceipt {
        let receipt = try budgetErrors {
            try slice.charge(Charge(mechanism: mechanism, parameters: parameters, cost: cost, seeded: source.isSeeded))
        }
        log.append("\(mechanism): \(cost)")
        return receipt
    }

    /// Reports a refusal of the run's own slice as a generator budget error.
    private func budgetErrors<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as AccountingError {
            throw GeneratorError.budget(error.description)
        }
    }
}

extension ExactInteger {
    var exactRational: ExactRational { ExactRational(self) }
}

/// Why a generator stopped.
public enum GeneratorError: UserFacingError, Equatable {
    case budget(String)
    case invalid(String)
    /// The workload (a workload file's sets, or the default sets of the schema's columns) is
    /// beyond what the generator counts: commands name the file it came from.
    case workload(String)

    public var description: String {
        switch self {
        case .budget(let message), .invalid(let message), .workload(let message): return message
        }
    }
}
