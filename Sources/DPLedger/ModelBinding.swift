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
    /// The charges of `dataset` recorded between the fit's start and end.
    public let charges: [LedgerCharge]
}

extension BudgetLedger {
    /// Records that the model whose file hashes to `model` was fitted at (`epsilon`, `delta`) and
    /// paid for by `dataset`'s charges among entries `entries`; returns the binding with those charges.
    @discardableResult
    public func bind(model: String, dataset: String, entries: ClosedRange<Int64>, epsilon: Double, delta: Double)
        throws -> ModelBinding
    {
        try write { db in
            let head = try Self.append(
                LedgerEntry.binding(
                    model: model, dataset: dataset, first: entries.lowerBound, last: entries.upperBound,
                    epsilon: epsilon, delta: delta), db)
            try db.execute(
                """
                INSERT INTO binding (model, dataset, first_seq, last_seq, epsilon, delta, seq, hash)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """,
                [
                    model, dataset, entries.lowerBound, entries.upperBound, epsilon, delta, head.sequence, head.hash,
                ])
            return ModelBinding(
                model: model, dataset: dataset, epsilon: epsilon, delta: delta,
                charges: try Self.charges(db, dataset: dataset, path: self.path, entries: entries))
        }
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
                charges: try Self.charges(db, dataset: dataset, path: self.path, entries: first...last))
        }
    }
}
