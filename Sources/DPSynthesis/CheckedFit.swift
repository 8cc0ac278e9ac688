import DPAccounting
import Foundation

extension Generator {
    /// Checks (ε, δ) and that the budget can afford the whole fit, naming the most that still fits
    /// when it cannot, then fits. Nothing is charged when a check fails.
    ///
    /// Privacy: as `fit`: every noisy step is charged to `request.budget` before it draws.
    public func checkedFit(_ request: FitRequest) throws -> any FittedModel {
        try Self.checkBudget(epsilon: request.epsilon, delta: request.delta)
        try checkAffordable(budget: request.budget, epsilon: request.epsilon, delta: request.delta)
        return try fit(request)
    }

    /// Throws, naming the most that still fits, unless `budget` can afford a fit at (ε, δ).
    public func checkAffordable(budget: any PrivacyBudget, epsilon: Double, delta: Double) throws {
        let family = Self.family
        guard try budget.wouldAccept(family.plannedCost(epsilon: epsilon, delta: delta)) else {
            let left = try largestEpsilon(fitting: budget, delta: delta, below: epsilon)
            throw AccountingError(
                try budget.summary() + "; a run of \(Self.method) at (\(epsilon), \(delta))"
                    + " does not fit. "
                    + (left > 0
                        ? String(
                            format: "The most that still fits is epsilon %.4g at this delta: lower --epsilon to it, "
                                + "or declare a new dataset budget.", left)
                        : "Nothing is left at this delta: declare a new dataset budget."))
        }
    }

    /// Throws unless (ε, δ) is a budget this method can plan for (`checkReachable`).
    public static func checkBudget(epsilon: Double, delta: Double) throws {
        guard epsilon.isFinite, epsilon > 0, epsilon <= FitRequest.largestEpsilon else {
            throw GeneratorSettingsError(
                "epsilon must be a positive number up to \(FitRequest.largestEpsilon) (got \(epsilon))")
        }
        guard delta.isFinite, delta > 0, delta < 1 else {
            throw GeneratorSettingsError(
                "delta must lie strictly between 0 and 1 (got \(delta)); \(method) needs a positive delta")
        }
        try checkReachable(epsilon: epsilon, delta: delta)
    }

    /// The largest ε (at `delta`, below `limit`) whose planned cost the budget would still accept,
    /// to 4 significant digits.
    public func largestEpsilon(fitting budget: any PrivacyBudget, delta: Double, below limit: Double) throws -> Double {
        var low = 0.0
        var high = limit
        for _ in 0..<40 where high - low > 1e-4 * high {
            let middle = (low + high) / 2
            if try budget.wouldAccept(Self.family.plannedCost(epsilon: middle, delta: delta)) {
                low = middle
            } else {
                high = middle
            }
        }
        return low
    }
}
