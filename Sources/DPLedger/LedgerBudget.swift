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
    /// The reservation this budget charges under, if any.
    public let reservation: Int64?
    /// The data version the run declared, recorded with its first reservation or charge.
    public let declaring: DataVersionDeclaration?

    public init(
        ledger: BudgetLedger, dataset: String, reservation: Int64? = nil, declaring: DataVersionDeclaration? = nil
    ) {
        self.ledger = ledger
        self.dataset = dataset
        self.reservation = reservation
        self.declaring = declaring
    }

    /// A budget that charges under a new reservation of `cost` (refused at once when it does
    /// not fit); end it with `endReservation()`.
    public func reserve(_ cost: PrivacyCost) throws -> LedgerBudget {
        LedgerBudget(
            ledger: ledger, dataset: dataset,
            reservation: try ledger.reserve(dataset: dataset, cost: cost, declaring: declaring), declaring: declaring)
    }

    /// Ends this budget's reservation: released when nothing was charged under it, settled otherwise.
    @discardableResult
    public func endReservation() throws -> LedgerReservation.State? {
        try reservation.map { try ledger.endReservation($0) }
    }

    public func charge(_ charge: Charge) throws -> ChargeReceipt {
        let row = try ledger.charge(
            dataset: dataset, mechanism: charge.mechanism, parameters: charge.parameters, cost: charge.cost,
            seeded: charge.seeded, reservation: reservation, declaring: declaring)
        return ChargeReceipt(id: row.id, cost: charge.cost)
    }

    public func wouldAccept(_ cost: PrivacyCost) throws -> Bool {
        guard let reservation else { return try ledger.wouldAccept(dataset: dataset, cost: cost) }
        return try ledger.fitsReservation(reservation, dataset: dataset, cost: cost)
    }

    public var name: String { dataset }

    public func summary() throws -> String {
        let statement = try ledger.statement(dataset: dataset)
        let committed = try ledger.committedSpend(dataset: dataset)
        // Runs still going (this one's reservations, if any, among them) hold their whole reservations: a
        // refusal names what they hold.
        let held =
            committed.epsilon > statement.spent.epsilon
            ? ", and with the open reservations of runs still going (any this run holds among them), epsilon "
                + String(format: "%.6g", committed.epsilon) + " is committed" : ""
        return "dataset '\(dataset)' has spent epsilon \(statement.spent.epsilon) of \(statement.totalEpsilon) "
            + "(delta \(statement.totalDelta))" + held
    }

    /// The dataset's budget, every charge and the composed spend.
    public func statement() throws -> LedgerStatement { try ledger.statement(dataset: dataset) }
}

extension BudgetLedger {
    /// `dataset`'s budget in this ledger.
    public func budget(for dataset: String) -> LedgerBudget { LedgerBudget(ledger: self, dataset: dataset) }
}
