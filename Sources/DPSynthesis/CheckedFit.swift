import DPAccounting
import Foundation

extension Generator {
    /// Checks (ε, δ) and that the budget can afford the whole fit, naming the most that still fits
    /// when it cannot, then fits. Nothing is charged when a check fails.
    ///
    /// Privacy: as `fit`: every noisy step is charged to `request.budget` before it draws.
    public func checkedFit(_ request: FitRequest) throws -> any FittedModel {
        guard request.epsilon.isFinite, request.epsilon > 0, request.epsilon <= FitRequest.largestEpsilon else {
            throw GeneratorSettingsError(
                "epsilon must be a positive number up to \(FitRequest.largestEpsilon) (got \(request.epsilon))")
        }
        guard request.delta.isFinite, request.delta > 0, request.delta < 1 else {
            throw GeneratorSettingsError(
                "delta must lie strictly between 0 and 1 (got \(request.delta)); \(Self.method) needs a positive delta")
        }
        let family = Self.family
        guard try request.budget.wouldAccept(family.plannedCost(epsilon: request.epsilon, delta: request.delta)) else {
            let left = try largestEpsilon(fitting: request.budget, delta: request.delta, below: request.epsilon)
            throw AccountingError(
                try request.budget.summary() + "; a \(Self.method) run at (\(request.epsilon), \(request.delta))"
                    + " does not fit. "
                    + (left > 0
                        ? String(
                            format: "The most that still fits is epsilon %.4g at this delta: lower --epsilon to it, "
                                + "or declare a new dataset budget.", left)
                        : "Nothing is left at this delta: declare a new dataset budget."))
        }
        return try fit(request)
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
