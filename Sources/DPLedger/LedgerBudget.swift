import DPAccounting
import Foundation

/// One dataset's budget in a persistent ledger, as a `PrivacyBudget`: what generators,
/// mechanisms and commands charge.
///
/// Privacy: each charge is committed to the ledger file in one transaction, against the
/// dataset's total, before the receipt that releases noise is returned (Proofs/budget-ledger.md).
public final class LedgerBudget: PrivacyBudget, @unchecked Sendable {
    public let ledger: BudgetLedger
    public let dataset: String

    public init(ledger: BudgetLedger, dataset: String) {
        self.ledger = ledger
        self.dataset = dataset
    }

    public func charge(_ charge: Charge) throws -> ChargeReceipt {
        let row = try ledger.charge(
            dataset: dataset, mechanism: charge.mechanism, parameters: charge.parameters, cost: charge.cost,
            seeded: charge.seeded)
        return ChargeReceipt(id: row.id, cost: charge.cost)
    }

    public func wouldAccept(_ cost: PrivacyCost) throws -> Bool {
        try ledger.wouldAccept(dataset: dataset, cost: cost)
    }

    public var name: String { dataset }

    public func summary() throws -> String {
        let statement = try ledger.statement(dataset: dataset)
        return "dataset '\(dataset)' has spent epsilon \(statement.spent.epsilon) of \(statement.totalEpsilon) "
            + "(delta \(statement.totalDelta))"
    }

    /// The dataset's budget, every charge and the composed spend.
    public func statement() throws -> LedgerStatement { try ledger.statement(dataset: dataset) }
}

extension BudgetLedger {
    /// `dataset`'s budget in this ledger.
    public func budget(for dataset: String) -> LedgerBudget { LedgerBudget(ledger: self, dataset: dataset) }
}
