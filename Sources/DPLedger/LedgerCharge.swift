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
    /// The ledger's chain head when the statement was read: a signed report that records it lets
    /// `dpsynth ledger verify --report` catch a ledger whose tail was later removed.
    public let head: LedgerHead
}

extension LedgerStatement {
    /// The charges this statement lists (as a signed report recorded it) that `held`, the
    /// dataset's charges in the ledger now, does not hold as listed: same id, mechanism,
    /// parameters, cost and seed. A charge's id is not in the chain's hash, so a renumbered charge
    /// is found only here.
    func chargesNotIn(_ held: [LedgerCharge]) -> [LedgerCharge] {
        let now = Dictionary(held.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        return charges.filter { listed in
            guard let held = now[listed.id] else { return true }
            return held.dataset != listed.dataset || held.mechanism != listed.mechanism
                || held.parameters != listed.parameters || held.cost != listed.cost || held.seeded != listed.seeded
        }
    }
}
