import DPAccounting
import Foundation

/// A saved model bound to the charges that paid for its fit: a release reuses a model only when
/// the ledger shows such a binding, so a model file copied in from elsewhere is never reported
/// under a budget it was not fitted with.
public struct ModelBinding: Sendable, Equatable {
    /// BLAKE2b of the model file.
    public let model: String
    public let dataset: String
    /// The (ε, δ) the fit was asked to spend.
    public let epsilon: Double
    public let delta: Double
    /// The charges that paid for the fit (those under its reservation).
    public let charges: [LedgerCharge]
}

extension BudgetLedger {
    /// Records that the model whose file hashes to `model` was fitted at (`epsilon`, `delta`) and
    /// paid for by the charges made under `reservation` (the fit's own: charges of runs that
    /// overlapped it are not its cost); returns the binding with those charges. The binding's
    /// entries run from the reservation's to its last charge's, so it names the reservation.
    @discardableResult
    public func bind(model: String, dataset: String, reservation: Int64, epsilon: Double, delta: Double)
        throws -> ModelBinding
    {
        try write { db in
            guard
                let first: Int64 = try db.row(
                    "SELECT seq FROM reservation WHERE id = ? AND dataset = ?", [reservation, dataset]
                )?.checked("seq"),
                let last = try db.string("SELECT max(seq) FROM charge WHERE reservation = ?", [reservation])
                    .flatMap({ Int64($0) })
            else {
                throw LedgerError.invalid(
                    "reservation \(reservation) of dataset '\(dataset)' charged nothing: a model binds to its charges")
            }
            let head = try Self.append(
                LedgerEntry.binding(
                    model: model, dataset: dataset, first: first, last: last, epsilon: epsilon, delta: delta), db)
            try db.execute(
                """
                INSERT INTO binding (model, dataset, first_seq, last_seq, epsilon, delta, seq, hash)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """,
                [model, dataset, first, last, epsilon, delta, head.sequence, head.hash])
            return ModelBinding(
                model: model, dataset: dataset, epsilon: epsilon, delta: delta,
                charges: try Self.boundCharges(db, dataset: dataset, entries: first...last, path: self.path))
        }
    }

    /// The charges a binding over `entries` names: those under the reservation whose entry opens
    /// the range, or, for a binding recorded before bindings named their reservation, every
    /// charge of `dataset` in the range.
    static func boundCharges(_ db: any LedgerSQL, dataset: String, entries: ClosedRange<Int64>, path: String)
        throws -> [LedgerCharge]
    {
        let opening: Int64? = try db.row(
            "SELECT id FROM reservation WHERE seq = ? AND dataset = ?", [entries.lowerBound, dataset]
        )?.checked("id")
        return try charges(db, dataset: dataset, path: path, entries: entries, reservation: opening)
    }

    /// The chain's head now.
    public func head() throws -> LedgerHead {
        try read { db in try Self.storedHead(db) }
    }

    /// The binding of the model file hashing to `model` to charges of `dataset`, or nil.
    public func binding(model: String, dataset: String) throws -> ModelBinding? {
        try read { db in
            guard
                let row = try db.row(
                    "SELECT * FROM binding WHERE model = ? AND dataset = ? ORDER BY seq LIMIT 1", [model, dataset])
            else { return nil }
            let first: Int64 = try row.checked("first_seq")
            let last: Int64 = try row.checked("last_seq")
            guard first <= last else { throw LedgerError.tampered("ledger \(self.path): a model binding is empty") }
            return ModelBinding(
                model: model, dataset: dataset, epsilon: try row.checked("epsilon"), delta: try row.checked("delta"),
                charges: try Self.boundCharges(db, dataset: dataset, entries: first...last, path: self.path))
        }
    }
}
