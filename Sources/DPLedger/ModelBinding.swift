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
    /// The name the model was saved under (which says the run it was fitted for), or nil for a
    /// binding an earlier version wrote.
    public var savedAs: String? = nil
    /// A digest of the run it was fitted for, by which a run finds the name its model was saved
    /// under whatever the ledger's file-name key now says; nil when not recorded.
    public var fittedFor: String? = nil
}

extension BudgetLedger {
    /// Records that the model whose file hashes to `model` was fitted at (`epsilon`, `delta`) and
    /// paid for by the charges made under `reservation` (the fit's own: charges of runs that
    /// overlapped it are not its cost); returns the binding with those charges. The binding
    /// stores the model as `hash@rID` (`scoped`), followed by `@` and `savedAs` when given (the
    /// name the model is saved under: a file copied under another run's name is then not that
    /// run's) and by `@` and `fittedFor` when given (`StoredBinding`), so the chain itself says
    /// which reservation it names; a binding an earlier version wrote (a bare hash) names every
    /// charge of the dataset in its entries, from the ledger's head before its fit to the head
    /// after.
    @discardableResult
    public func bind(
        model: String, dataset: String, reservation: Int64, epsilon: Double, delta: Double, savedAs: String? = nil,
        fittedFor: String? = nil
    ) throws -> ModelBinding {
        for part in [savedAs, fittedFor].compactMap({ $0 }) {
            precondition(!part.isEmpty && !part.contains("@"), "a saved model's name holds no '@'")
        }
        precondition(fittedFor == nil || savedAs != nil, "a run is named with the file its model was saved as")
        return try write { db in
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
            let names = [savedAs, fittedFor].compactMap { $0 }.map { "@" + $0 }
            let stored = Self.scoped(model, reservation) + names.joined()
            let head = try Self.append(
                LedgerEntry.binding(
                    model: stored, dataset: dataset, first: first, last: last, epsilon: epsilon, delta: delta), db)
            try db.execute(
                """
                INSERT INTO binding (model, dataset, first_seq, last_seq, epsilon, delta, seq, hash)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """,
                [stored, dataset, first, last, epsilon, delta, head.sequence, head.hash])
            return ModelBinding(
                model: model, dataset: dataset, epsilon: epsilon, delta: delta,
                charges: try Self.charges(
                    db, dataset: dataset, path: self.path, entries: first...last, reservation: reservation),
                savedAs: savedAs, fittedFor: fittedFor)
        }
    }

    /// The names the models of `dataset` fitted for the run with digest `fittedFor` were saved
    /// under, earliest first.
    public func savedNames(dataset: String, fittedFor: String) throws -> [String] {
        try read { db in
            try db.strings("SELECT model FROM binding WHERE dataset = ? ORDER BY seq", [dataset]).compactMap {
                let stored = StoredBinding($0 ?? "")
                return stored?.fittedFor == fittedFor ? stored?.savedAs : nil
            }
        }
    }

    /// A binding's stored model: the file's hash and the reservation whose charges paid for it.
    static func scoped(_ model: String, _ reservation: Int64) -> String { "\(model)@r\(reservation)" }

    /// The chain's head now.
    public func head() throws -> LedgerHead {
        try read { db in try Self.storedHead(db) }
    }

    /// The binding of the model file hashing to `model` to charges of `dataset`, or nil: the
    /// charges under the reservation it names (`scoped`), or, for a binding an earlier version
    /// wrote, every charge of the dataset in its entries. Two runs may save models of the same
    /// bytes (seeded fits): the earliest binding that names `savedAs` is taken, else the earliest
    /// that names no file, else the earliest.
    public func binding(model: String, dataset: String, savedAs: String? = nil) throws -> ModelBinding? {
        try read { db in
            let bindings = try db.rows(
                "SELECT * FROM binding WHERE (model = ? OR model LIKE ?) AND dataset = ? ORDER BY seq",
                [model, model + "@r%", dataset]
            ).map { try self.binding(row: $0, model: model, dataset: dataset, db) }
            return bindings.first { $0.savedAs != nil && $0.savedAs == savedAs }
                ?? bindings.first { $0.savedAs == nil } ?? bindings.first
        }
    }

    /// The binding `row` stores for the model file hashing to `model`.
    private func binding(row: LedgerRow, model: String, dataset: String, _ db: any LedgerSQL) throws -> ModelBinding {
        let first: Int64 = try row.checked("first_seq")
        let last: Int64 = try row.checked("last_seq")
        guard first <= last else { throw LedgerError.tampered("ledger \(self.path): a model binding is empty") }
        guard let stored = StoredBinding(try row.checked("model")), stored.model == model else {
            throw LedgerError.tampered("ledger \(self.path): a model binding names no reservation")
        }
        return ModelBinding(
            model: model, dataset: dataset, epsilon: try row.checked("epsilon"), delta: try row.checked("delta"),
            charges: try Self.charges(
                db, dataset: dataset, path: self.path, entries: first...last, reservation: stored.reservation),
            savedAs: stored.savedAs, fittedFor: stored.fittedFor)
    }
}

/// A binding's stored model as `BudgetLedger.bind` writes it: `hash`, or `hash@rID`, then
/// `@savedAs` and `@fittedFor` when given.
struct StoredBinding {
    let model: String
    let reservation: Int64?
    let savedAs: String?
    let fittedFor: String?

    /// The parts of `stored`; nil for a value `bind` does not write.
    init?(_ stored: String) {
        let parts = stored.split(separator: "@", omittingEmptySubsequences: false).map(String.init)
        guard parts.count <= 4, parts.allSatisfy({ !$0.isEmpty }) else { return nil }
        model = parts[0]
        if parts.count == 1 {
            (reservation, savedAs, fittedFor) = (nil, nil, nil)
            return
        }
        guard parts[1].hasPrefix("r"), let id = Int64(parts[1].dropFirst()), "r\(id)" == parts[1] else { return nil }
        reservation = id
        savedAs = parts.count >= 3 ? parts[2] : nil
        fittedFor = parts.count == 4 ? parts[3] : nil
    }
}
