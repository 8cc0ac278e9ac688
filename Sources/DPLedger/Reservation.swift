import DPAccounting
import Foundation

/// A run's whole cost, set aside in one transaction before it draws anything: concurrent runs
/// either get their reservation or are refused at once, so no run pays for part of a fit it
/// cannot finish. A reservation ends `released` (nothing was charged under it) or `settled` (its
/// charges stand); one whose process died without ending it counts as settled with what it
/// charged (`abandoned`). One ended by hand
/// (`BudgetLedger.release(reservation:dataset:)`) says so, in the chain too.
public struct LedgerReservation: Sendable, Equatable {
    public enum State: String, Sendable {
        case open, released, settled
        case releasedByHand = "released by hand"
        case settledByHand = "settled by hand"
        /// Not ended, its run seen gone from here (killed, or a zombie): its charges stand, the
        /// rest is free. A run on another machine, or before this machine's restart, stays open.
        case abandoned = "abandoned (its run stopped without ending it; its charges stand)"
    }

    public let id: Int64
    public let dataset: String
    public let cost: PrivacyCost
    public let state: State
    /// Whether an open reservation's run is seen running from here; one that is not may run
    /// where this process cannot see (another container or machine), or be gone.
    public let seenRunning: Bool
}

extension BudgetLedger {
    static func createReservationTables(_ db: any LedgerSQL) throws {
        try db.execute(
            """
            CREATE TABLE reservation (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                dataset TEXT NOT NULL REFERENCES budget(dataset),
                cost TEXT NOT NULL,
                pid INTEGER NOT NULL,
                created TEXT NOT NULL,
                seq INTEGER NOT NULL UNIQUE,
                hash TEXT NOT NULL
            );
            CREATE TABLE reservation_end (
                reservation INTEGER PRIMARY KEY NOT NULL REFERENCES reservation(id),
                outcome TEXT NOT NULL,
                time TEXT NOT NULL,
                seq INTEGER NOT NULL UNIQUE,
                hash TEXT NOT NULL
            );
            """)
    }

    static func reservationContent(_ row: LedgerRow) throws -> String {
        [
            "reservation", String((try row.checked("id") as Int64)), try row.checked("dataset"),
            try row.checked("cost"), String((try row.checked("pid") as Int64)),
            try row.checked("created"),
        ].map(LedgerEntry.escaped).joined(separator: "|")
    }

    static func reservationEndContent(_ row: LedgerRow) throws -> String {
        [
            "reservation-end", String((try row.checked("reservation") as Int64)), try row.checked("outcome"),
            try row.checked("time"),
        ].map(LedgerEntry.escaped)
            .joined(separator: "|")
    }

    /// What counts against `dataset`'s total now (`committedCosts`): the charges, with each live
    /// open reservation counted whole.
    public func committedSpend(dataset: String) throws -> BudgetSpend {
        try read { db in
            let (_, totalDelta) = try Self.budget(db, dataset: dataset, path: self.path)
            return BudgetSpend(
                costs: try Self.committedCosts(db, dataset: dataset, path: self.path), totalDelta: totalDelta)
        }
    }

    /// The costs that count against `dataset`'s total: every charge, except that a live open
    /// reservation counts with its whole reserved cost instead of its charges so far.
    static func committedCosts(_ db: any LedgerSQL, dataset: String, path: String, excluding: Int64? = nil) throws
        -> [PrivacyCost]
    {
        var live = Set<Int64>()
        var costs: [PrivacyCost] = []
        let open = try db.rows(
            """
            SELECT id, cost, pid FROM reservation WHERE dataset = ?
            AND id NOT IN (SELECT reservation FROM reservation_end)
            """, [dataset])
        let running = try db.liveHolders(Set(try open.map { try $0.checked("pid") as Int64 }))
        for row in open {
            let id: Int64 = try row.checked("id")
            guard id != excluding, running.contains(try row.checked("pid")) else { continue }
            live.insert(id)
            costs.append(try decodeCost(try row.checked("cost"), row: id, path: path, entry: "reservation"))
        }
        for row in try db.rows("SELECT id, cost, reservation FROM charge WHERE dataset = ?", [dataset]) {
            if let reservation: Int64 = try row.checkedOptional("reservation"), live.contains(reservation) { continue }
            costs.append(try decodeCost(try row.checked("cost"), row: try row.checked("id"), path: path))
        }
        return costs
    }

    /// Sets aside `cost` of `dataset`'s budget for this process, or refuses at once; a declared
    /// data version is recorded with it (`checkData`).
    public func reserve(
        dataset: String, cost: PrivacyCost, declaring version: DataVersionDeclaration? = nil
    ) throws -> Int64 {
        try cost.validate()
        return try write { db in
            try Self.record(version, db, path: self.path)
            let (totalEpsilon, totalDelta) = try Self.budget(db, dataset: dataset, path: self.path)
            let committed = try Self.committedCosts(db, dataset: dataset, path: self.path)
            guard BudgetLimit.fits(committed + [cost], epsilon: totalEpsilon, delta: totalDelta) else {
                let spend = BudgetSpend(costs: committed, totalDelta: totalDelta)
                throw LedgerError.overspend(
                    "refused: reserving \(cost) would take dataset '\(dataset)' past its total "
                        + "(\(Self.format(totalEpsilon)), \(Self.format(totalDelta))); spent or reserved by other "
                        + "runs: epsilon \(Self.format(spend.epsilon)). Nothing was charged.")
            }
            let costText = try Self.encodeCost(cost)
            let created = Self.timestamp(Date())
            let pid = try db.reservationHolder()
            let id = try db.insert(
                "INSERT INTO reservation (dataset, cost, pid, created, seq, hash) VALUES (?, ?, ?, ?, 0, '')",
                [dataset, costText, pid, created])
            let row = try db.row("SELECT * FROM reservation WHERE id = ?", [id])!
            let head = try Self.append(Self.reservationContent(row), db)
            try db.execute("UPDATE reservation SET seq = ?, hash = ? WHERE id = ?", [head.sequence, head.hash, id])
            return id
        }
    }

    /// Ends a reservation: `released` when nothing was charged under it, `settled` otherwise;
    /// `byHand` records that someone other than its run ended it.
    @discardableResult
    public func endReservation(_ id: Int64, byHand: Bool = false) throws -> LedgerReservation.State {
        try write { db in
            if try db.row("SELECT 1 FROM reservation_end WHERE reservation = ?", [id]) != nil {
                throw LedgerError.invalid("reservation \(id) has already ended")
            }
            let charged =
                try db.string("SELECT count(*) FROM charge WHERE reservation = ?", [id]).flatMap { Int($0) } ?? 0
            let outcome: LedgerReservation.State =
                charged > 0 ? (byHand ? .settledByHand : .settled) : (byHand ? .releasedByHand : .released)
            let time = Self.timestamp(Date())
            let content = ["reservation-end", String(id), outcome.rawValue, time].map(LedgerEntry.escaped)
                .joined(separator: "|")
            let head = try Self.append(content, db)
            try db.execute(
                "INSERT INTO reservation_end (reservation, outcome, time, seq, hash) VALUES (?, ?, ?, ?, ?)",
                [id, outcome.rawValue, time, head.sequence, head.hash])
            return outcome
        }
    }

    /// Ends by hand an open reservation of `dataset` whose run is not seen running from here (a
    /// run in another container or on another machine that is gone): what it charged stays
    /// spent, and it can charge no more (a charge checks that its reservation is open), so only
    /// the part it never spent is freed. A reservation whose run is seen running is refused
    /// unless `force` (its process id now names another program): a run that does still run
    /// then fails at its next charge, so ending it never lets anything overspend.
    @discardableResult
    public func release(reservation id: Int64, dataset: String, force: Bool = false) throws
        -> LedgerReservation.State
    {
        guard let found = try reservations(dataset: dataset).first(where: { $0.id == id }), found.state == .open else {
            throw LedgerError.invalid(
                "reservation \(id) of dataset '\(dataset)' is not open ('dpsynth ledger show' lists them)")
        }
        guard !found.seenRunning || force else {
            throw LedgerError.invalid(
                "reservation \(id) of dataset '\(dataset)' is held by a process that is running here; a run "
                    + "ends its reservation itself when it finishes (or stop it). If that process is not the "
                    + "run (its id was reused), pass --force")
        }
        return try endReservation(id, byHand: true)
    }

    /// Every reservation of `dataset`, oldest first, with its state.
    public func reservations(dataset: String) throws -> [LedgerReservation] {
        try read { db in
            let rows = try db.rows(
                """
                SELECT r.id, r.dataset, r.cost, r.pid, e.outcome FROM reservation r
                LEFT JOIN reservation_end e ON e.reservation = r.id WHERE r.dataset = ? ORDER BY r.id
                """, [dataset])
            let holders = Set(try rows.map { try $0.checked("pid") as Int64 })
            let (running, seen) = (try db.liveHolders(holders), try db.seenRunning(holders))
            return try rows.map { row in
                let outcome: String? = try row.checkedOptional("outcome")
                let holder: Int64 = try row.checked("pid")
                let state =
                    outcome.flatMap(LedgerReservation.State.init(rawValue:))
                    ?? (running.contains(holder) ? .open : .abandoned)
                return LedgerReservation(
                    id: try row.checked("id"), dataset: try row.checked("dataset"),
                    cost: try Self.decodeCost(
                        try row.checked("cost"), row: try row.checked("id"), path: self.path, entry: "reservation"),
                    state: state, seenRunning: state == .open && seen.contains(holder))
            }
        }
    }

    /// Whether `cost` still fits within the open `reservation`.
    public func fitsReservation(_ reservation: Int64, dataset: String, cost: PrivacyCost) throws -> Bool {
        try read { db in
            do {
                try Self.checkReservation(reservation, dataset: dataset, adding: cost, db, path: self.path)
                return true
            } catch is LedgerError {
                return false
            }
        }
    }
}
