import Foundation

/// Budgets whose data only an earlier build's digests name, held back from new data until this
/// build has read it.
///
/// A fingerprint lists digests of a file's records and of a file's or a table's encoded rows
/// (`DataFingerprint`). When a digest comes to read data otherwise (`DataFingerprint.formsVersion`
/// is raised), a budget an earlier build bound to data knows it only by digests no run now
/// computes, so a copy of that data saved in another form (or a table's export to a file) would
/// find no budget and could be given one of its own. Opening such a ledger for writing
/// (`markIfOutdated`) therefore marks every binding of a budget to data as awaiting review, and
/// while any budget has one, no other budget is declared for data, bound to its first data or
/// given a new version (`refuseNewData`). A run on that data read through a schema, or `dpsynth
/// ledger forms`, records its names in every current form and ends that binding's wait
/// (`markReviewed`); other data, even a version of the same budget, ends none. Marks and reviews
/// are entries of the chain (table `forms_review`), so removing a mark breaks it.
enum FormsReview {
    /// The `meta` key holding the forms version the ledger's bindings were last reviewed for.
    static let versionKey = "forms_version"

    static func createTable(_ db: any LedgerSQL) throws {
        try db.execute(
            """
            CREATE TABLE forms_review (
                dataset TEXT NOT NULL REFERENCES budget(dataset),
                fingerprint TEXT NOT NULL,
                version INTEGER NOT NULL,
                reviewed INTEGER NOT NULL,
                seq INTEGER NOT NULL UNIQUE,
                hash TEXT NOT NULL
            );
            """)
    }

    /// The canonical content of a mark (`reviewed` false) or a review of one binding of
    /// `dataset`'s: the data with `fingerprint` an earlier build recorded.
    static func content(dataset: String, fingerprint: String, version: Int64, reviewed: Bool) -> String {
        ["forms-review", dataset, fingerprint, String(version), reviewed ? "reviewed" : "awaiting"]
            .map(LedgerEntry.escaped).joined(separator: "|")
    }

    static func content(_ row: LedgerRow) throws -> String {
        content(
            dataset: try row.checked("dataset"), fingerprint: try row.checked("fingerprint"),
            version: try row.checked("version"), reviewed: try row.checked("reviewed"))
    }

    /// A new ledger's table and version: it has no binding to review.
    static func create(_ db: any LedgerSQL) throws {
        try createTable(db)
        try db.execute(
            "INSERT INTO meta (key, value) VALUES (?, ?)", [versionKey, String(DataFingerprint.formsVersion)])
    }

    /// One binding awaiting review: a budget's data as an earlier build recorded it.
    struct Binding: Hashable {
        let dataset: String
        let fingerprint: String
        /// The dataset's name as the database compares it, byte by byte (`BudgetLedger.sameDataset`):
        /// two spellings of one accented name are two budgets.
        var key: [[UInt8]] { [Array(dataset.utf8), Array(fingerprint.utf8)] }
    }

    /// Marks, inside the caller's write transaction, each binding of a budget to data as
    /// awaiting review, when the ledger's bindings were made for another forms version (or before
    /// there was one); then records the current version. A ledger of an earlier schema
    /// (`upgrading`) is marked whatever its `meta` says: a forms version row is no chained entry,
    /// and one written into an earlier ledger by hand would skip the marks.
    static func markIfOutdated(_ db: any LedgerSQL, upgrading: Bool) throws {
        if try !db.tableExists("forms_review") { try createTable(db) }
        let recorded = try db.string("SELECT value FROM meta WHERE key = ?", [versionKey])
        guard upgrading || recorded != String(DataFingerprint.formsVersion) else { return }
        let bound = try db.rows(
            """
            SELECT dataset, fingerprint FROM budget WHERE fingerprint IS NOT NULL
            UNION ALL SELECT dataset, fingerprint FROM data_version ORDER BY dataset, fingerprint
            """)
        var marked = Set(try awaiting(db).map(\.key))
        for row in bound {
            let binding = Binding(dataset: try row.checked("dataset"), fingerprint: try row.checked("fingerprint"))
            guard marked.insert(binding.key).inserted else { continue }
            try append(binding, reviewed: false, db)
        }
        try db.execute("DELETE FROM meta WHERE key = ?", [versionKey])
        try db.execute(
            "INSERT INTO meta (key, value) VALUES (?, ?)", [versionKey, String(DataFingerprint.formsVersion)])
    }

    /// The bindings awaiting review: those whose latest entry here is a mark.
    static func awaiting(_ db: any LedgerSQL) throws -> [Binding] {
        guard try db.tableExists("forms_review") else { return [] }
        var latest: [[[UInt8]]: (binding: Binding, reviewed: Bool)] = [:]
        for row in try db.rows("SELECT dataset, fingerprint, reviewed FROM forms_review ORDER BY seq") {
            let binding = Binding(dataset: try row.checked("dataset"), fingerprint: try row.checked("fingerprint"))
            latest[binding.key] = (binding, try row.checked("reviewed"))
        }
        return latest.values.filter { !$0.reviewed }.map(\.binding)
            .sorted { ($0.dataset, $0.fingerprint) < ($1.dataset, $1.fingerprint) }
    }

    /// The datasets with a binding awaiting review, each once (byte by byte), sorted.
    static func awaitingDatasets(_ db: any LedgerSQL) throws -> [String] {
        var seen = Set<[UInt8]>()
        return try awaiting(db).map(\.dataset).filter { seen.insert(Array($0.utf8)).inserted }
    }

    /// Refuses to bind new data to a budget (other than `dataset`'s own, whose new data may be
    /// the old in another form) while a budget awaits review.
    static func refuseNewData(besides dataset: String?, _ db: any LedgerSQL, path: String) throws {
        guard
            let waiting = try awaitingDatasets(db).first(where: { other in
                dataset.map { !BudgetLedger.sameDataset(other, $0) } ?? true
            })
        else { return }
        throw LedgerError.invalid(
            "the budget of dataset '\(waiting)' in \(path) was bound to its data by an earlier dpsynth, whose "
                + "digests would not know a copy of that data saved in another form; run `dpsynth ledger forms "
                + "--ledger \(ShellWord.quoted(path)) --dataset \(ShellWord.quoted(waiting)) --data DATA --schema "
                + "SCHEMA` on its data (nothing is "
                + "charged), then run again")
    }

    /// Ends the wait of each binding of `dataset`'s that a run has just read, as `fingerprint`,
    /// inside the caller's write transaction, once the ledger knows every name `fingerprint`
    /// lists. A binding is reviewed only by its own data (the same file's bytes or records, the
    /// same table: data recorded later, a new version say, reviews nothing) and only when read
    /// through a schema, since a copy may differ from the data in spellings only its encoded rows
    /// equate.
    static func markReviewed(_ dataset: String, fingerprint: String, _ db: any LedgerSQL) throws {
        for binding in try reviewed(dataset, fingerprint: fingerprint, db) { try append(binding, reviewed: true, db) }
    }

    /// The bindings awaiting review that a run reading `dataset`'s data as `fingerprint` reviews.
    static func reviewed(_ dataset: String, fingerprint: String, _ db: any LedgerSQL) throws -> [Binding] {
        guard DataFingerprint.namesEncodedRows(fingerprint) else { return [] }
        return try awaiting(db).filter {
            BudgetLedger.sameDataset($0.dataset, dataset) && DataFingerprint.sameData($0.fingerprint, fingerprint)
        }
    }

    private static func append(_ binding: Binding, reviewed: Bool, _ db: any LedgerSQL) throws {
        let version = Int64(DataFingerprint.formsVersion)
        let head = try BudgetLedger.append(
            content(dataset: binding.dataset, fingerprint: binding.fingerprint, version: version, reviewed: reviewed),
            db)
        try db.execute(
            "INSERT INTO forms_review (dataset, fingerprint, version, reviewed, seq, hash) VALUES (?, ?, ?, ?, ?, ?)",
            [binding.dataset, binding.fingerprint, version, reviewed, head.sequence, head.hash])
    }
}

extension BudgetLedger {
    /// The datasets whose data, bound by an earlier build, awaits review (`FormsReview`): while
    /// any does, the ledger binds no other budget to new data.
    public func datasetsAwaitingFormsReview() throws -> [String] {
        try read { try FormsReview.awaitingDatasets($0) }
    }

    /// Refuses, while a budget other than `dataset`'s awaits review, to let a run measure other
    /// data (a release gate's holdout): it could be a copy of that budget's data in a form the
    /// ledger cannot yet recognise, whose people would then spend in two budgets.
    public func refuseMeasuringWhileReviewsAwait(besides dataset: String) throws {
        try read { db in try FormsReview.refuseNewData(besides: dataset, db, path: self.path) }
    }
}
