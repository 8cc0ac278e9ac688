import DPAccounting
import DPData
import DPLedger
import DPMechanisms
import DPRandomness
import Foundation

/// Spends a zCDP budget on one dataset: every measurement and selection is charged to the
/// ledger before its noise is drawn, and the session never spends more than its ρ.
///
/// Privacy: marginals (L2 sensitivity 1 each under add/remove-one-row) get exact discrete
/// Gaussian noise, ρ = Σ 1/(2σ_i²); selections use the exponential mechanism, ε²/8-zCDP
/// (Proofs/marginal-generators.md).
public final class MeasurementSession {
    public static let proofDocument = "Proofs/marginal-generators.md"

    public let data: EncodedDataset
    public let ledger: BudgetLedger
    public let dataset: String
    public let source: RandomSource
    public let rhoBudget: Double
    public let method: String
    public private(set) var rhoSpent: Double = 0
    public private(set) var log: [String] = []

    public init(data: EncodedDataset, ledger: BudgetLedger, dataset: String, rhoBudget: Double, method: String, source: RandomSource) {
        self.data = data
        self.ledger = ledger
        self.dataset = dataset
        self.rhoBudget = rhoBudget
        self.method = method
        self.source = source
    }

    public var rhoRemaining: Double { max(0, rhoBudget - rhoSpent) }

    /// Measures each attribute set's marginal with discrete Gaussian noise whose total cost is at
    /// most `rho`, split in proportion to `weights` (ρ_i ∝ w_i²). Charged before the noise.
    /// `view` may replace the data by a recoding of it that depends only on earlier DP outputs
    /// (each row still contributes one count per marginal).
    public func measure(_ attributeSets: [[Int]], rho: Double, weights: [Double]? = nil, on view: EncodedDataset? = nil) throws -> [NoisyMarginal] {
        precondition(!attributeSets.isEmpty)
        guard rho.isFinite, rho > 0 else { throw GeneratorError.budget("a measurement needs a positive rho (got \(rho))") }
        let weights = weights ?? [Double](repeating: 1, count: attributeSets.count)
        let norm = weights.reduce(0) { $0 + $1 * $1 }.squareRoot()
        // σ_i = σ / w_i with σ = 1/sqrt(2ρ) for unit-norm weights; rounded up to a dyadic grid.
        let sigmas = weights.map { weight -> ExactRational in
            let sigma = 1 / (2 * rho).squareRoot() / (weight / norm)
            return (ExactRational(exactly: sigma)! * ExactRational.powerOfTwo(16)).ceiling.exactRational / ExactRational.powerOfTwo(16)
        }
        let exactRho = sigmas.reduce(ExactRational.zero) { $0 + .one / (ExactRational(2) * $1 * $1) }
        let cost = exactRho.doubleRoundedUp
        try spend(rho: cost, mechanism: "discrete-gaussian marginals",
                  parameters: "{\"method\":\"\(method)\",\"marginals\":\(attributeSets.map { $0.map(String.init).joined(separator: "x") }),\"sigma\":[\(sigmas.map { String($0.doubleValue) }.joined(separator: ","))]}")
        let tables = (view ?? data).marginals(attributeSets.map { $0.sorted() })
        return zip(tables, sigmas).map { table, sigma in
            let sampler = DiscreteGaussianSampler(sigma: sigma)
            let noisy = table.map { Double(Int($0) + sampler.sample(source: source).saturatingInt) }
            return NoisyMarginal(attributes: table.attributes, values: noisy, sigma: sigma.doubleValue)
        }
    }

    /// The index of the candidate chosen by the exponential mechanism at `epsilon` for scores of
    /// the given sensitivity; charged (ε²/8 zCDP) before it draws.
    public func select(scores: [Double], epsilon: Double, sensitivity: Double, label: String) throws -> Int {
        let mechanism = try ExponentialMechanism(epsilon: epsilon, sensitivity: sensitivity)
        guard case .zCDP(let rho) = mechanism.zCDPCost else { preconditionFailure("bounded-range cost is zCDP") }
        try spend(rho: rho, mechanism: "exponential-mechanism",
                  parameters: "{\"method\":\"\(method)\",\"selection\":\"\(label)\",\"candidates\":\(scores.count),\"epsilon\":\(epsilon),\"sensitivity\":\(sensitivity)}")
        return try mechanism.select(scores: scores, source: source)
    }

    private func spend(rho: Double, mechanism: String, parameters: String) throws {
        guard rhoSpent + rho <= rhoBudget * (1 + 1e-9) else {
            throw GeneratorError.budget("this step needs rho \(rho) but only \(rhoRemaining) of the run's \(rhoBudget) is left")
        }
        try ledger.charge(dataset: dataset, mechanism: mechanism, parameters: parameters, cost: .zCDP(rho: rho), seeded: source.isSeeded)
        rhoSpent += rho
        log.append("\(mechanism): rho \(rho)")
    }
}

extension ExactInteger {
    var exactRational: ExactRational { ExactRational(self) }
}

/// Why a generator stopped.
public enum GeneratorError: Error, CustomStringConvertible, Equatable {
    case budget(String)
    case invalid(String)

    public var description: String {
        switch self {
        case .budget(let message), .invalid(let message): return message
        }
    }
}
