import DPAccounting
import Foundation
import GRDB

/// The persistent privacy-budget ledger: per dataset, a total (ε, δ) and every charge.
///
/// Privacy: `charge` commits the cost in one SQLite IMMEDIATE transaction before the caller
/// draws any noise, and refuses any charge that would take the composed spend past the total,
/// so no release can happen without its charge being on disk, and two processes charging at
/// once serialise on the database lock (Proofs/budget-ledger.md).
public final class BudgetLedger: @unchecked Sendable {
    public static let proofDocument = "Proofs/budget-ledger.md"

    public let path: String
    private let database: DatabaseQueue

    /// Opens (creating if needed) the ledger at `path`.
    public init(path: String) throws {
        self.path = path
        var configuration = Configuration()
        configuration.busyMode = .timeout(30)
        do {
            database = try DatabaseQueue(path: path, configuration: configuration)
            try database.write { db in try Self.migrate(db) }
        } catch let error as DatabaseError {
            throw LedgerError.storage(path: path, message: error.message ?? error.description)
        }
    }

    private static func migrate(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE IF NOT EXISTS budget (
                    dataset TEXT PRIMARY KEY NOT NULL,
                    epsilon REAL NOT NULL,
                    delta REAL NOT NULL,
                    created TEXT NOT NULL
                );
                CREATE TABLE IF NOT EXISTS charge (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    dataset TEXT NOT NULL REFERENCES budget(dataset),
                    mechanism TEXT NOT NULL,
                    parameters TEXT NOT NULL,
                    cost TEXT NOT NULL,
                    seeded INTEGER NOT NULL,
                    time TEXT NOT NULL
                );
                """)
    }

    /// Declares a dataset's total budget. A dataset's budget is set once and never raised.
    public func initialise(dataset: String, epsilon: Double, delta: Double) throws {
        guard !dataset.isEmpty else { throw LedgerError.invalid("the dataset name must not be empty") }
        guard epsilon.isFinite, epsilon > 0 else {
            throw LedgerError.invalid("the total epsilon must be a positive finite number (got \(epsilon))")
        }
        guard delta.isFinite, delta >= 0, delta < 1 else {
            throw LedgerError.invalid("the total delta must lie in [0, 1) (got \(delta))")
        }
        try write { db in
            if try Row.fetchOne(db, sql: "SELECT 1 FROM budget WHERE dataset = ?", arguments: [dataset]) != nil {
                throw LedgerError.invalid(
                    "dataset '\(dataset)' already has a budget in \(self.path); budgets are set once")
            }
            try db.execute(
                sql: "INSERT INTO budget (dataset, epsilon, delta, created) VALUES (?, ?, ?, ?)",
                arguments: [dataset, epsilon, delta, Self.timestamp(Date())])
        }
    }

    /// Records a charge, or throws `LedgerError.overspend` and records nothing.
    /// Call this before drawing the noise the charge pays for.
    @discardableResult
    public func charge(dataset: String, mechanism: String, parameters: String = "{}", cost: PrivacyCost, seeded: Bool)
        throws -> LedgerCharge
    {
        try Self.validate(cost)
        return try write { db in
            let (totalEpsilon, totalDelta) = try Self.budget(db, dataset: dataset, path: self.path)
            let existing = try Self.charges(db, dataset: dataset)
            if !BudgetLimit.fits(existing.map(\.cost) + [cost], epsilon: totalEpsilon, delta: totalDelta) {
                let spend = BudgetSpend(costs: existing.map(\.cost) + [cost], totalDelta: totalDelta)
                let before = BudgetSpend(costs: existing.map(\.cost), totalDelta: totalDelta)
                throw LedgerError.overspend(
                    "refused: charging \(cost) for \(mechanism) would spend epsilon \(Self.format(spend.epsilon)) "
                        + "(delta \(Self.format(max(spend.delta, spend.approximateDelta)))) of "
                        + "dataset '\(dataset)', whose total is "
                        + "(\(Self.format(totalEpsilon)), \(Self.format(totalDelta))); already spent epsilon "
                        + "\(Self.format(before.epsilon)). "
                        + "Lower the cost or use a new dataset budget.")
            }
            let now = Date()
            let costText = String(decoding: try JSONEncoder().encode(cost), as: UTF8.self)
            try db.execute(
                sql: """
                    INSERT INTO charge (dataset, mechanism, parameters, cost, seeded, time) VALUES (?, ?, ?, ?, ?, ?)
                    """, arguments: [dataset, mechanism, parameters, costText, seeded, Self.timestamp(now)])
            return LedgerCharge(
                id: db.lastInsertedRowID, dataset: dataset, mechanism: mechanism, parameters: parameters,
                cost: cost, seeded: seeded, time: now)
        }
    }

    /// Whether `cost` fits in what is left now (a charge still checks again atomically).
    public func wouldAccept(dataset: String, cost: PrivacyCost) throws -> Bool {
        let statement = try statement(dataset: dataset)
        return BudgetLimit.fits(
            statement.charges.map(\.cost) + [cost], epsilon: statement.totalEpsilon, delta: statement.totalDelta)
    }

    /// The budget, every charge and the composed spend of a dataset.
    public func statement(dataset: String) throws -> LedgerStatement {
        try read { db in
            let (epsilon, delta) = try Self.budget(db, dataset: dataset, path: self.path)
            let charges = try Self.charges(db, dataset: dataset)
            return LedgerStatement(
                dataset: dataset, totalEpsilon: epsilon, totalDelta: delta, charges: charges,
                spent: BudgetSpend(costs: charges.map(\.cost), totalDelta: delta))
        }
    }

    /// Every dataset with a budget in this ledger.
    public func datasets() throws -> [String] {
        try read { db in try String.fetchAll(db, sql: "SELECT dataset FROM budget ORDER BY dataset") }
    }

    private func write<T>(_ body: @escaping (Database) throws -> T) throws -> T {
        do {
            var result: T?
            try database.inTransaction(.immediate) { db in
                result = try body(db)
                return .commit
            }
            return result!
        } catch let error as DatabaseError {
            throw LedgerError.storage(path: path, message: error.message ?? error.description)
        }
    }

    private func read<T>(_ body: @escaping (Database) throws -> T) throws -> T {
        do {
            return try database.read(body)
        } catch let error as DatabaseError {
            throw LedgerError.storage(path: path, message: error.message ?? error.description)
        }
    }

    private static func budget(_ db: Database, dataset: String, path: String) throws -> (Double, Double) {
        guard
            let row = try Row.fetchOne(
                db, sql: "SELECT epsilon, delta FROM budget WHERE dataset = ?", arguments: [dataset])
        else {
            throw LedgerError.unknownDataset(
                "dataset '\(dataset)' has no budget in \(path); run `dpsynth ledger init` first")
        }
        return (row["epsilon"], row["delta"])
    }

    private static func charges(_ db: Database, dataset: String) throws -> [LedgerCharge] {
        try Row.fetchAll(db, sql: "SELECT * FROM charge WHERE dataset = ? ORDER BY id", arguments: [dataset]).map {
            row in
            let costText: String = row["cost"]
            let timeText: String = row["time"]
            return LedgerCharge(
                id: row["id"], dataset: row["dataset"], mechanism: row["mechanism"],
                parameters: row["parameters"],
                cost: try JSONDecoder().decode(PrivacyCost.self, from: Data(costText.utf8)),
                seeded: row["seeded"], time: parseTimestamp(timeText))
        }
    }

    private static func validate(_ cost: PrivacyCost) throws {
        do {
            try cost.validate()
        } catch let error as AccountingError {
            throw LedgerError.invalid(error.description)
        }
    }

    static func format(_ value: Double) -> String {
        String(format: "%.6g", value)
    }

    private static func timestamp(_ date: Date) -> String {
        ISO8601DateFormatter().string(from: date)
    }

    private static func parseTimestamp(_ text: String) -> Date {
        ISO8601DateFormatter().date(from: text) ?? Date(timeIntervalSince1970: 0)
    }
}

/// Why the ledger refused.
public enum LedgerError: UserFacingError, Equatable {
    case overspend(String)
    case unknownDataset(String)
    case invalid(String)
    case storage(path: String, message: String)

    public var description: String {
        switch self {
        case .overspend(let message), .unknownDataset(let message), .invalid(let message): return message
        case .storage(let path, let message): return "ledger \(path): \(message)"
        }
    }
}
