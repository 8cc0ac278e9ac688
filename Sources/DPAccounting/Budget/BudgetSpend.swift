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
        var pure = 0.0
        var approxEpsilon = 0.0
        var approxDelta = 0.0
        var rho = 0.0
        for cost in costs {
            switch cost {
            case .pure(let epsilon): pure += epsilon
            case .approximate(let epsilon, let delta):
                approxEpsilon += epsilon
                approxDelta += delta
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
        } else if deltaForZCDP > 0 && deltaForZCDP < 1 {
            zcdpEpsilon = ZCDP.epsilon(rho: rho, delta: deltaForZCDP)
        } else {
            zcdpEpsilon = .infinity
        }
        epsilon = pure + approxEpsilon + zcdpEpsilon
        delta = rho > 0 ? max(totalDelta, approxDelta) : approxDelta
    }
}
