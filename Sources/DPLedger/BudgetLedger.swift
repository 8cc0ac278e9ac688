import DPAccounting
import Foundation

/// The persistent privacy-budget ledger: per dataset, a total (ε, δ) and every charge.
///
/// Privacy: `charge` commits the cost in one SQLite IMMEDIATE transaction before the caller
/// draws any noise, and refuses any charge that would take the composed spend past the total,
/// so no release can happen without its charge being on disk, and two processes charging at
/// once serialise on the database lock (Proofs/budget-ledger.md).
public final class BudgetLedger: @unchecked Sendable {
    public static let proofDocument = "Proofs/budget-ledger.md"

    /// What messages call the ledger: its file path or database URL.
    public var path: String { store.label }
    let store: any LedgerStore

    /// Opens the ledger file at `path`, creating it when no file is there and `creating`
    /// (`SQLiteLedgerCreation`: the path never names a half-created ledger); otherwise a missing
    /// file is refused, so a command that only reads or spends a budget leaves no file behind. An
    /// existing file must be an intact ledger: an empty or foreign file, a missing table or a
    /// broken chain is refused.
    public convenience init(path: String, creating: Bool = true) throws {
        var status = stat()
        if creating {
            try LedgerLocation.prepare(path)
            let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
            guard stat(folder, &status) == 0, status.st_mode & S_IFMT == S_IFDIR else {
                throw LedgerError.storage(
                    path: path, message: "there is no folder \(folder) to create it in; create the folder first")
            }
            SQLiteLedgerCreation.createIfMissing(path)
        } else if stat(path, &status) != 0 && errno == ENOENT {
            throw LedgerError.unknownDataset(
                "no ledger at \(path); declare a budget first (`dpsynth ledger init`), or check the path")
        }
        if stat(path, &status) == 0 && status.st_size == 0 {
            throw LedgerError.tampered(
                "ledger \(path): the file is empty; it is not a ledger (it may have been truncated). "
                    + "Restore it from a backup; dpsynth never starts a fresh budget over an existing path.")
        }
        try self.init(store: try SQLiteLedgerStore(path: path))
    }

    /// Opens the ledger in `store`, creating its tables when the store held nothing; an existing
    /// ledger must be intact.
    public init(store: any LedgerStore) throws {
        self.store = store
        try store.write { db in try Self.open(db, existed: try store.existed, path: store.label) }
    }

    /// Creates a new ledger's tables, upgrades a version-1 or version-2 ledger, and checks an
    /// existing one.
    private static func open(_ db: any LedgerSQL, existed: Bool, path: String) throws {
        guard existed else {
            try createSchema(db)
            return
        }
        guard try db.tableExists("meta") else {
            guard try db.tableExists("budget"), try db.tableExists("charge"),
                try !db.columnNames(of: "charge").contains("seq")
            else {
                throw LedgerError.tampered(
                    "ledger \(path): not a dpsynth ledger, or a table was dropped: the ledger was altered")
            }
            try upgradeFromVersion1(db)
            try FormsReview.markIfOutdated(db, upgrading: true)
            return
        }
        let version = try db.string("SELECT value FROM meta WHERE key = 'schema_version'")
        guard version == "\(schemaVersion)" || version == "2" else {
            throw LedgerError.tampered(
                "ledger \(path): schema version \(version ?? "missing") is not the \(schemaVersion) this build reads")
        }
        let verification = try verifyChain(db)
        if let problem = verification.problems.first {
            throw LedgerError.tampered(
                "ledger \(path): \(problem). Run `dpsynth ledger verify --ledger \(ShellWord.quoted(path))` for "
                    + "details.")
        }
        try FileNameKeyEntry.chainIfUnchained(db)
        try FormsReview.markIfOutdated(db, upgrading: version == "2")
        if version == "2" {
            // Builds that read version 2 neither hold new data back for a review nor chain one:
            // from here on they refuse the ledger by its version.
            try db.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", ["\(schemaVersion)"])
        }
    }

    /// Declares a dataset's total budget, bound to the data with `fingerprint` (`DataFingerprint`,
    /// when given). A dataset's budget is set once and never raised; a fingerprint that shares data
    /// with another dataset's budget is refused, so renaming or copying data never gives it a fresh
    /// budget.
    public func initialise(dataset: String, epsilon: Double, delta: Double, fingerprint: String? = nil) throws {
        guard !dataset.isEmpty else { throw LedgerError.invalid("the dataset name must not be empty") }
        // A database's text ends at a NUL: the name stored would not be the name the chain hashed.
        guard !dataset.utf8.contains(0) else {
            throw LedgerError.invalid("the dataset name holds a NUL character (\\0); remove it")
        }
        guard epsilon.isFinite, epsilon > 0 else {
            throw LedgerError.invalid("the total epsilon must be a positive finite number (got \(epsilon))")
        }
        guard delta.isFinite, delta >= 0, delta < 1 else {
            throw LedgerError.invalid("the total delta must lie in [0, 1) (got \(delta))")
        }
        try write { db in
            if try db.row("SELECT 1 FROM budget WHERE dataset = ?", [dataset]) != nil {
                throw LedgerError.invalid(
                    "dataset '\(dataset)' already has a budget in \(self.path); budgets are set once")
            }
            if let fingerprint, let owner = try Self.owner(of: fingerprint, db) {
                throw LedgerError.invalid(
                    "this data already has a budget in \(self.path), under dataset '\(owner)'; charge that budget "
                        + "(dataset: \(owner)) instead of declaring another for the same data")
            }
            if let fingerprint, let measurer = try Self.measurer(of: fingerprint, db) {
                throw Self.measuredElsewhere(measurer, path: self.path)
            }
            if fingerprint != nil { try FormsReview.refuseNewData(besides: nil, db, path: self.path) }
            let created = Self.timestamp(Date())
            let head = try Self.append(
                LedgerEntry.budget(
                    dataset: dataset, epsilon: epsilon, delta: delta, created: created, fingerprint: fingerprint), db)
            try db.execute(
                """
                INSERT INTO budget (dataset, epsilon, delta, created, seq, hash, fingerprint)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """, [dataset, epsilon, delta, created, head.sequence, head.hash, fingerprint])
        }
    }

    /// Whether two dataset names are one, as the ledger's database compares them: byte by byte.
    /// Swift's equality takes two Unicode spellings of one accented name as one, the database as
    /// two budgets.
    public static func sameDataset(_ a: String, _ b: String) -> Bool { a.utf8.elementsEqual(b.utf8) }

    /// A dataset whose budget covers data with `fingerprint`, or some of its rows
    /// (`DataFingerprint.overlaps`), if any; `excluding` is left out.
    static func owner(of fingerprint: String, excluding: String? = nil, _ db: any LedgerSQL) throws -> String? {
        for row in try db.rows(
            """
            SELECT dataset, fingerprint FROM budget WHERE fingerprint IS NOT NULL
            UNION ALL SELECT dataset, fingerprint FROM data_version ORDER BY dataset
            """)
        {
            let dataset: String = try row.checked("dataset")
            if excluding.map({ !Self.sameDataset(dataset, $0) }) ?? true,
                DataFingerprint.overlaps(try row.checked("fingerprint"), fingerprint)
            {
                return dataset
            }
        }
        return nil
    }

    /// The key under which a charge's parameters list the fingerprints of data it measured
    /// besides its dataset's own (a release gate's holdout): those people spent privacy in that
    /// budget, so no other budget may be declared for their data, nor may another dataset's
    /// charges measure it.
    public static let measuredKey = "measured"

    /// A dataset, other than `excluding`, one of whose charges measured data with `fingerprint`
    /// (`measuredKey`).
    static func measurer(of fingerprint: String, excluding: String? = nil, _ db: any LedgerSQL) throws -> String? {
        for row in try db.rows("SELECT dataset, parameters FROM charge ORDER BY id") {
            let dataset: String = try row.checked("dataset")
            guard excluding.map({ !Self.sameDataset(dataset, $0) }) ?? true else { continue }
            let parameters: String = try row.checked("parameters")
            guard parameters.contains(Self.measuredKey),
                let object = try? JSONSerialization.jsonObject(with: Data(parameters.utf8)) as? [String: Any],
                let measured = object[Self.measuredKey] as? [String]
            else { continue }
            if measured.contains(where: { DataFingerprint.overlaps($0, fingerprint) }) { return dataset }
        }
        return nil
    }

    /// The dataset, other than `dataset`, whose charges measured data with `fingerprint` (a
    /// release gate's holdout), or nil.
    public func dataset(measuring fingerprint: String, otherThan dataset: String) throws -> String? {
        try read { db in try Self.measurer(of: fingerprint, excluding: dataset, db) }
    }

    /// The refusal of a budget for data another dataset's charges measured.
    static func measuredElsewhere(_ measurer: String, path: String) -> LedgerError {
        .invalid(
            "this data was measured as a holdout by the release gate of dataset '\(measurer)' in \(path): its "
                + "people spent privacy in that budget, so it takes no budget of its own; use other data")
    }

    /// The dataset whose budget covers data with `fingerprint` (its declared data or a declared
    /// version), or nil when no budget in this ledger does.
    public func dataset(budgeting fingerprint: String) throws -> String? {
        try read { db in try Self.owner(of: fingerprint, db) }
    }

    /// Checks that `dataset`'s budget covers data with `fingerprint`: the data it was declared for,
    /// or a version declared with `declareNewVersion`. A budget declared without a fingerprint is
    /// bound to the first data a run reserves or charges for. Returns the data still to record
    /// (nil when the ledger already knows it): the run's first reservation or charge records it
    /// in the chain in its own transaction, checked again there with the run's own declaration,
    /// so a run refused its budget, or stopped before it reserves, leaves no trace. The budget's
    /// own data under names the ledger lacks (`DataVersionDeclaration.sameData`) is the exception:
    /// it is recorded here and now, checked again in the write, whether or not the run goes on to
    /// spend, since a copy in that form must find the budget even once it is spent.
    @discardableResult
    public func checkData(
        dataset: String, fingerprint: String, declareNewVersion: Bool
    ) throws -> DataVersionDeclaration? {
        let declaration = try read { db in
            try Self.declaration(dataset: dataset, fingerprint: fingerprint, declareNewVersion, db, path: self.path)
        }
        guard let declaration, declaration.sameData else {
            // Written only when it ends a wait: most runs take no write lock here.
            if declaration == nil,
                try !read({ try FormsReview.reviewed(dataset, fingerprint: fingerprint, $0) }).isEmpty
            {
                try write { db in try FormsReview.markReviewed(dataset, fingerprint: fingerprint, db) }
            }
            return declaration
        }
        try write { db in
            try Self.record(declaration, db, path: self.path)
            try FormsReview.markReviewed(dataset, fingerprint: fingerprint, db)
        }
        return nil
    }

    /// What `checkData` decides, read in transaction `db`: nil when the budget already covers the
    /// data under every name it has, the data to record when it is a declared new version, the
    /// budget's first data or its own data under names not recorded, and a refusal otherwise.
    static func declaration(
        dataset: String, fingerprint: String, _ declareNewVersion: Bool, _ db: any LedgerSQL, path: String
    ) throws -> DataVersionDeclaration? {
        guard let row = try db.row("SELECT fingerprint FROM budget WHERE dataset = ?", [dataset]) else {
            throw LedgerError.unknownDataset(
                "dataset '\(dataset)' has no budget in \(path); run `dpsynth ledger init` first")
        }
        let versions = try db.strings("SELECT fingerprint FROM data_version WHERE dataset = ?", [dataset])
        let declared: String? = try row.checkedOptional("fingerprint")
        // A renamed table reads the same relations, a file saved otherwise holds the same records:
        // the same data, under any name or form. A form the ledger has not recorded is recorded
        // with the run's first spend (the same data, not a new version), so copies in that form
        // find this budget too; those names are checked as new data's are: none is another's.
        let known = ([declared] + versions).compactMap { $0 }
        let same = known.contains { DataFingerprint.sameData($0, fingerprint) }
        if same && !DataFingerprint.namesMore(fingerprint, than: known) { return nil }
        if let owner = try Self.owner(of: fingerprint, excluding: dataset, db) {
            throw LedgerError.invalid(
                "this data has a budget under dataset '\(owner)' in \(path); run against that dataset")
        }
        if let measurer = try Self.measurer(of: fingerprint, excluding: same ? dataset : nil, db) {
            throw Self.measuredElsewhere(measurer, path: path)
        }
        guard same || declared == nil && versions.isEmpty || declareNewVersion else {
            // A budget an earlier build bound may know its own data in another form only once reviewed.
            let awaiting = try FormsReview.awaitingDatasets(db).contains { Self.sameDataset($0, dataset) }
            throw LedgerError.invalid(
                "the data differs from the data dataset '\(dataset)' was budgeted for (its fingerprint "
                    + "changed); if it is a new version of the same people's data, declare it "
                    + "(--new-data-version, or 'new_data_version: true' in a release config), which the "
                    + "ledger records"
                    + (awaiting
                        ? "; if it is that data in another form, run `dpsynth ledger forms --ledger "
                            + "\(ShellWord.quoted(path)) --dataset \(ShellWord.quoted(dataset)) --data DATA --schema "
                            + "SCHEMA` on the data it was budgeted for first" : ""))
        }
        if !same { try FormsReview.refuseNewData(besides: dataset, db, path: path) }
        return DataVersionDeclaration(
            dataset: dataset, fingerprint: fingerprint, declaredNewVersion: declareNewVersion, sameData: same)
    }

    /// Records `declaration` in transaction `db`, checked again there with the run's own
    /// declaration: another run may have recorded the version, bound the budget to other data, or
    /// given the data another budget, since it was checked.
    static func record(_ declaration: DataVersionDeclaration?, _ db: any LedgerSQL, path: String) throws {
        guard let declaration,
            try Self.declaration(
                dataset: declaration.dataset, fingerprint: declaration.fingerprint, declaration.declaredNewVersion, db,
                path: path) != nil
        else { return }
        let created = Self.timestamp(Date())
        let head = try Self.append(
            LedgerEntry.dataVersion(
                dataset: declaration.dataset, fingerprint: declaration.fingerprint, created: created),
            db)
        try db.execute(
            "INSERT INTO data_version (dataset, fingerprint, created, seq, hash) VALUES (?, ?, ?, ?, ?)",
            [declaration.dataset, declaration.fingerprint, created, head.sequence, head.hash])
    }

    /// Records a charge, or throws `LedgerError.overspend` and records nothing.
    /// Call this before drawing the noise the charge pays for.
    @discardableResult
    public func charge(
        dataset: String, mechanism: String, parameters: String = "{}", cost: PrivacyCost, seeded: Bool,
        reservation: Int64? = nil, declaring version: DataVersionDeclaration? = nil
    ) throws -> LedgerCharge {
        try Self.validate(cost)
        return try write { db in
            try Self.record(version, db, path: self.path)
            let (totalEpsilon, totalDelta) = try Self.budget(db, dataset: dataset, path: self.path)
            if let reservation {
                // Within the run's own reservation, which other runs already count in full.
                try Self.checkReservation(reservation, dataset: dataset, adding: cost, db, path: self.path)
            } else {
                let committed = try Self.committedCosts(db, dataset: dataset, path: self.path)
                if !BudgetLimit.fits(committed + [cost], epsilon: totalEpsilon, delta: totalDelta) {
                    let spend = BudgetSpend(costs: committed + [cost], totalDelta: totalDelta)
                    let before = BudgetSpend(costs: committed, totalDelta: totalDelta)
                    throw LedgerError.overspend(
                        "refused: charging \(cost) for \(mechanism) would spend epsilon \(Self.format(spend.epsilon)) "
                            + "(delta \(Self.format(max(spend.delta, spend.approximateDelta)))) of "
                            + "dataset '\(dataset)', whose total is "
                            + "(\(Self.format(totalEpsilon)), \(Self.format(totalDelta))); already spent or reserved "
                            + "epsilon \(Self.format(before.epsilon)). Lower the cost or use a new dataset budget.")
                }
            }
            let now = Date()
            let costText = try Self.encodeCost(cost)
            let time = Self.timestamp(now)
            let head = try Self.append(
                LedgerEntry.charge(
                    dataset: dataset, mechanism: mechanism, parameters: parameters, cost: costText, seeded: seeded,
                    time: time, reservation: reservation), db)
            let id = try db.insert(
                """
                INSERT INTO charge (dataset, mechanism, parameters, cost, seeded, time, seq, hash, reservation)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
                [dataset, mechanism, parameters, costText, seeded, time, head.sequence, head.hash, reservation])
            return LedgerCharge(
                id: id, dataset: dataset, mechanism: mechanism, parameters: parameters,
                cost: cost, seeded: seeded, time: now)
        }
    }

    /// Throws unless `reservation` is open, belongs to `dataset`, and its charges plus `cost` stay
    /// within what it reserved.
    static func checkReservation(
        _ reservation: Int64, dataset: String, adding cost: PrivacyCost, _ db: any LedgerSQL, path: String
    ) throws {
        guard
            let row = try db.row(
                """
                SELECT cost, pid FROM reservation WHERE id = ? AND dataset = ?
                AND id NOT IN (SELECT reservation FROM reservation_end)
                """, [reservation, dataset])
        else {
            throw LedgerError.invalid("reservation \(reservation) of dataset '\(dataset)' is not open")
        }
        // Other runs count a reservation in full only while its holder is seen running; one whose
        // holder they no longer see (a connection pooler's other server process, a reconnection)
        // counts as its charges alone, and the rest of it may be reserved again by them.
        let holder: Int64 = try row.checked("pid")
        guard try db.liveHolders([holder]).contains(holder) else {
            throw LedgerError.invalid(
                "reservation \(reservation) of dataset '\(dataset)' is no longer seen held by its run (its "
                    + "connection or process changed), so other runs count only its charges; nothing more is "
                    + "charged under it")
        }
        let reserved = try decodeCost(try row.checked("cost"), row: reservation, path: path, entry: "reservation")
        let costs = try db.rows(
            "SELECT id, cost FROM charge WHERE reservation = ?", [reservation]
        ).map { try decodeCost(try $0.checked("cost"), row: try $0.checked("id"), path: path) }
        guard BudgetLimit.fits(costs + [cost], within: reserved) else {
            throw LedgerError.overspend(
                "refused: \(cost) would take the run past the \(reserved) it reserved; nothing more is charged")
        }
    }

    /// Whether `cost` fits in what is left now (a charge still checks again atomically).
    public func wouldAccept(dataset: String, cost: PrivacyCost) throws -> Bool {
        try read { db in
            let (epsilon, delta) = try Self.budget(db, dataset: dataset, path: self.path)
            let committed = try Self.committedCosts(db, dataset: dataset, path: self.path)
            return BudgetLimit.fits(committed + [cost], epsilon: epsilon, delta: delta)
        }
    }

    /// The budget, every charge and the composed spend of a dataset.
    public func statement(dataset: String) throws -> LedgerStatement {
        try read { db in
            let (epsilon, delta) = try Self.budget(db, dataset: dataset, path: self.path)
            let charges = try Self.charges(db, dataset: dataset, path: self.path)
            return LedgerStatement(
                dataset: dataset, totalEpsilon: epsilon, totalDelta: delta, charges: charges,
                spent: BudgetSpend(costs: charges.map(\.cost), totalDelta: delta), head: try Self.storedHead(db))
        }
    }

    /// Every dataset with a budget in this ledger.
    public func datasets() throws -> [String] {
        try read { db in try db.strings("SELECT dataset FROM budget ORDER BY dataset").compactMap { $0 }
        }
    }

    func write<T>(_ body: (any LedgerSQL) throws -> T) throws -> T { try store.write(body) }

    func read<T>(_ body: (any LedgerSQL) throws -> T) throws -> T { try store.read(body) }

    static func budget(_ db: any LedgerSQL, dataset: String, path: String) throws -> (Double, Double) {
        guard
            let row = try db.row("SELECT epsilon, delta FROM budget WHERE dataset = ?", [dataset])
        else {
            throw LedgerError.unknownDataset(
                "dataset '\(dataset)' has no budget in \(path); run `dpsynth ledger init` first")
        }
        let (epsilon, delta): (Double, Double) = (try row.checked("epsilon"), try row.checked("delta"))
        guard validTotal(epsilon: epsilon, delta: delta) else {
            throw LedgerError.tampered(
                "ledger \(path): dataset '\(dataset)' has a budget out of range: the row was altered")
        }
        return (epsilon, delta)
    }

    /// Whether a stored budget is one `ledger init` could have declared: ε positive and finite,
    /// 0 ≤ δ < 1. A ledger row is read as untrusted: a negative or infinite total would let any
    /// charge through.
    static func validTotal(epsilon: Double, delta: Double) -> Bool {
        epsilon.isFinite && epsilon > 0 && delta.isFinite && delta >= 0 && delta < 1
    }

    /// `cost` as the ledger stores it: JSON with its keys sorted, so one cost is always the same
    /// text, whatever the process (the hash chain covers it).
    static func encodeCost(_ cost: PrivacyCost) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: try encoder.encode(cost), as: UTF8.self)
    }

    /// The cost stored as `text` (in `entry` `row`: a charge or a reservation), refused unless it
    /// reads and is in range (`PrivacyCost.validate`): a negative cost, even in a chain re-hashed
    /// after the edit, would give budget back.
    static func decodeCost(_ text: String, row: Int64, path: String, entry: String = "charge") throws -> PrivacyCost {
        guard let cost = try? JSONDecoder().decode(PrivacyCost.self, from: Data(text.utf8)),
            (try? cost.validate()) != nil
        else {
            throw LedgerError.tampered(
                "ledger \(path): \(entry) #\(row) has a cost that cannot be read or is out of range: the row was "
                    + "altered")
        }
        return cost
    }

    /// `dataset`'s charges in id order; only those among chain entries `entries`, and only those
    /// under `reservation`, when given.
    static func charges(
        _ db: any LedgerSQL, dataset: String, path: String, entries: ClosedRange<Int64>? = nil,
        reservation: Int64? = nil
    ) throws -> [LedgerCharge] {
        let range = entries ?? Int64.min...Int64.max
        let arguments: [any LedgerValueConvertible] = [dataset, range.lowerBound, range.upperBound]
        let rows = try db.rows(
            "SELECT * FROM charge WHERE dataset = ? AND seq BETWEEN ? AND ?"
                + (reservation == nil ? "" : " AND reservation = ?") + " ORDER BY id",
            arguments + (reservation.map { [$0] } ?? []))
        return try rows.map { row in
            let costText: String = try row.checked("cost")
            let timeText: String = try row.checked("time")
            return LedgerCharge(
                id: try row.checked("id"), dataset: try row.checked("dataset"), mechanism: try row.checked("mechanism"),
                parameters: try row.checked("parameters"),
                cost: try decodeCost(costText, row: try row.checked("id"), path: path),
                seeded: try row.checked("seeded"), time: parseTimestamp(timeText))
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

    static func timestamp(_ date: Date) -> String {
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
    /// The ledger file was altered: a missing table, a broken chain, an emptied or foreign file.
    case tampered(String)

    public var description: String {
        switch self {
        case .overspend(let message), .unknownDataset(let message), .invalid(let message), .tampered(let message):
            return message
        case .storage(let path, let message): return "ledger \(path): \(message)"
        }
    }
}

/// Data a run's first reservation or charge records for a budget: the budget's first data, a new
/// version the run declared (`--new-data-version`) and the ledger accepted, or the budget's own
/// data in a form the ledger had not recorded (`DataFingerprint.namesMore`).
public struct DataVersionDeclaration: Sendable, Equatable {
    public let dataset: String
    public let fingerprint: String
    /// Whether the run declared the data a new version (`--new-data-version`); without it, the
    /// data may only be the budget's first.
    public let declaredNewVersion: Bool
    /// Whether it is the budget's own data under names the ledger lacks, not other data.
    public let sameData: Bool

    public init(dataset: String, fingerprint: String, declaredNewVersion: Bool, sameData: Bool = false) {
        self.dataset = dataset
        self.fingerprint = fingerprint
        self.declaredNewVersion = declaredNewVersion
        self.sameData = sameData
    }
}
