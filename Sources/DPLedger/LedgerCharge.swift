import DPAccounting
import Foundation

/// One recorded expenditure of privacy budget.
public struct LedgerCharge: Sendable, Codable, Equatable {
    public let id: Int64
    public let dataset: String
    /// The mechanism or step that spent it, for example `discrete-gaussian` or `dp-sgd`.
    public let mechanism: String
    /// The mechanism's parameters as the caller described them (JSON text).
    public let parameters: String
    /// The cost in the mechanism's native unit.
    public let cost: PrivacyCost
    /// True when the randomness behind this charge was seeded (a test run, not a release).
    public let seeded: Bool
    public let time: Date
}

/// A dataset's total budget and what has been spent from it.
public struct LedgerStatement: Sendable, Codable, Equatable {
    public let dataset: String
    public let totalEpsilon: Double
    public let totalDelta: Double
    public let charges: [LedgerCharge]
    public let spent: BudgetSpend
}

/// What a list of charges spends, composed as: pure ε and (ε, δ) charges add; zCDP charges add
/// in ρ and convert by CKS20 at the δ left over after the (ε, δ) charges (Proofs/composition.md).
public struct BudgetSpend: Sendable, Codable, Equatable {
    public static let proofDocument = "Proofs/composition.md"

    public let epsilon: Double
    public let delta: Double
    public let pureEpsilon: Double
    public let approximateEpsilon: Double
    public let approximateDelta: Double
    public let rho: Double

    /// The composed spend of `costs` against a total δ.
    public init(costs: [PrivacyCost], totalDelta: Double) {
        var pure = 0.0, approxEpsilon = 0.0, approxDelta = 0.0, rho = 0.0
        for cost in costs {
            switch cost {
            case .pure(let epsilon): pure += epsilon
            case .approximate(let epsilon, let delta): approxEpsilon += epsilon; approxDelta += delta
            case .zCDP(let value): rho += value
            }
        }
        pureEpsilon = pure
        approximateEpsilon = approxEpsilon
        approximateDelta = approxDelta
        self.rho = rho
        let deltaForZCDP = totalDelta - approxDelta
        let zcdpEpsilon: Double
        if rho == 0 {
            zcdpEpsilon = 0
        } else if deltaForZCDP > 0 {
            zcdpEpsilon = ZCDP.epsilon(rho: rho, delta: deltaForZCDP)
        } else {
            zcdpEpsilon = .infinity
        }
        epsilon = pure + approxEpsilon + zcdpEpsilon
        delta = rho > 0 ? max(totalDelta, approxDelta) : approxDelta
    }
}
