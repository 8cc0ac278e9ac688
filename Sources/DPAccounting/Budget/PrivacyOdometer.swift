import Foundation

/// An in-memory budget with a total (ε, δ): for shadow models, simulations and tests, where a
/// persistent ledger would only leave throwaway files behind.
///
/// Privacy: the same composition and limit as the ledger (`BudgetLimit`), so a run that fits an
/// odometer fits a ledger with the same total; it forgets everything when released.
public final class PrivacyOdometer: PrivacyBudget, @unchecked Sendable {
    public let epsilon: Double
    public let delta: Double
    private let lock = NSLock()
    private var recorded: [Charge] = []

    /// A budget of (`epsilon`, `delta`); δ may be 0 for pure-DP use.
    public init(epsilon: Double, delta: Double) throws {
        try AccountingError.require(
            epsilon.isFinite && epsilon > 0, "the total epsilon must be positive (got \(epsilon))")
        try AccountingError.require(delta.isFinite && delta >= 0 && delta < 1, "the total delta must lie in [0, 1)")
        self.epsilon = epsilon
        self.delta = delta
    }

    /// The charges recorded so far, oldest first.
    public var charges: [Charge] { lock.withLock { recorded } }

    public var spend: BudgetSpend { lock.withLock { BudgetSpend(costs: recorded.map(\.cost), totalDelta: delta) } }

    public func charge(_ charge: Charge) throws -> ChargeReceipt {
        try charge.cost.validate()
        return try lock.withLock {
            guard BudgetLimit.fits(recorded.map(\.cost) + [charge.cost], epsilon: epsilon, delta: delta) else {
                throw AccountingError(
                    "refused: \(charge.cost) for \(charge.mechanism) exceeds the odometer's (\(epsilon), \(delta))")
            }
            recorded.append(charge)
            return ChargeReceipt(id: Int64(recorded.count), cost: charge.cost)
        }
    }

    public func wouldAccept(_ cost: PrivacyCost) throws -> Bool {
        lock.withLock { BudgetLimit.fits(recorded.map(\.cost) + [cost], epsilon: epsilon, delta: delta) }
    }

    public var name: String { "in-memory budget" }

    public func summary() throws -> String {
        "an in-memory budget that has spent epsilon \(spend.epsilon) of \(epsilon) (delta \(delta))"
    }
}
