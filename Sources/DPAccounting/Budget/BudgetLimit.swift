/// The one rule for "these costs fit this budget", used by the ledger, the odometer and run slices.
public enum BudgetLimit {
    /// Relative slack for floating-point rounding in the conversions between ε, δ and ρ (every
    /// cost is already rounded up where it is computed, so only a few units in the last place of
    /// the sums are at stake); it admits a relative excess of at most 1e-12.
    public static let tolerance = 1e-12

    /// Whether `costs`, composed, stay within a total (`epsilon`, `delta`).
    public static func fits(_ costs: [PrivacyCost], epsilon: Double, delta: Double) -> Bool {
        let spend = BudgetSpend(costs: costs, totalDelta: delta)
        return within(spend.epsilon, epsilon) && within(spend.approximateDelta, delta)
    }

    /// Whether zCDP costs adding to `rho` stay within a total ρ.
    public static func fits(rho: Double, within total: Double) -> Bool {
        within(rho, total)
    }

    /// Whether `value` is finite and at most `total` with the tolerance: written as a sum, since
    /// `total · (1 + tolerance)` is infinite for totals near the largest double, and a sum of
    /// charges that overflows to infinity exceeds every total.
    static func within(_ value: Double, _ total: Double) -> Bool {
        value.isFinite && value <= total + total * tolerance
    }

    /// Whether `costs`, composed, stay within one cost taken as a limit: zCDP charges within a ρ
    /// limit, anything within an (ε, δ) or pure ε limit.
    public static func fits(_ costs: [PrivacyCost], within limit: PrivacyCost) -> Bool {
        switch limit {
        case .zCDP(let rho):
            var total = 0.0
            for cost in costs {
                guard case .zCDP(let value) = cost else { return false }
                total += value
            }
            return fits(rho: total, within: rho)
        case .pure(let epsilon):
            return fits(costs, epsilon: epsilon, delta: 0)
        case .approximate(let epsilon, let delta):
            return fits(costs, epsilon: epsilon, delta: delta)
        }
    }
}
