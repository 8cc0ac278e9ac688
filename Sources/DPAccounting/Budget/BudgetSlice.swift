import Foundation

/// A part of a parent budget set aside for one run: a charge must fit the slice's own limit and
/// is then recorded by the parent, so the run can neither exceed what it declared nor skip the
/// parent's check.
///
/// Privacy: every charge passes both limits before the parent records it and returns a receipt.
public final class BudgetSlice: PrivacyBudget, @unchecked Sendable {
    /// What the slice may spend in total.
    public enum Limit: Sendable, Equatable {
        /// zCDP charges only, adding to at most ρ.
        case zCDP(rho: Double)
        /// Any charges whose composition stays within (ε, δ).
        case approximate(epsilon: Double, delta: Double)

        /// The limit as the cost `BudgetLimit.fits(_:within:)` checks against.
        var cost: PrivacyCost {
            switch self {
            case .zCDP(let rho): return .zCDP(rho: rho)
            case .approximate(let epsilon, let delta): return .approximate(epsilon: epsilon, delta: delta)
            }
        }
    }

    public let parent: any PrivacyBudget
    public let limit: Limit
    private let lock = NSLock()
    private var costs: [PrivacyCost] = []

    public init(of parent: any PrivacyBudget, limit: Limit) {
        self.parent = parent
        self.limit = limit
    }

    /// ρ spent through this slice (zCDP charges only).
    public var rhoSpent: Double { lock.withLock { BudgetSpend(costs: costs, totalDelta: 0).rho } }

    /// ρ still available under a zCDP limit (0 for other limits).
    public var rhoRemaining: Double {
        guard case .zCDP(let rho) = limit else { return 0 }
        return max(0, rho - rhoSpent)
    }

    public func charge(_ charge: Charge) throws -> ChargeReceipt {
        try lock.withLock {
            guard admits(costs + [charge.cost]) else {
                throw AccountingError("this step needs \(charge.cost) but the run's \(limit) leaves too little")
            }
            let receipt = try parent.charge(charge)
            costs.append(charge.cost)
            return receipt
        }
    }

    public func wouldAccept(_ cost: PrivacyCost) throws -> Bool {
        try lock.withLock { admits(costs + [cost]) } && parent.wouldAccept(cost)
    }

    public func summary() throws -> String { try parent.summary() }

    public var name: String { parent.name }

    private func admits(_ costs: [PrivacyCost]) -> Bool {
        BudgetLimit.fits(costs, within: limit.cost)
    }
}
