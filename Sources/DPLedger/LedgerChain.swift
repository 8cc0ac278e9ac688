import Foundation

/// The ledger's hash chain: every budget declaration, data version, charge, reservation, model
/// binding, forms review (`FormsReview`) and the file-name key (`FileNameKeyEntry`) is an entry
/// with a sequence number and h_k = BLAKE2b(h_{k-1}, k, content_k), h_0 = 64 zeros; the ledger's
/// `meta` table holds the head (k, h_k). Editing, deleting or reordering an entry breaks the
/// chain; removing the tail is caught against a head an earlier signed report recorded.
public struct LedgerHead: Sendable, Codable, Equatable {
    /// The number of entries (0 for an empty ledger).
    public let sequence: Int64
    public let hash: String

    public init(sequence: Int64, hash: String) {
        self.sequence = sequence
        self.hash = hash
    }

    public static let genesis = LedgerHead(sequence: 0, hash: String(repeating: "0", count: 64))

    /// The head after appending an entry with `content`.
    func appending(_ content: String) -> LedgerHead {
        // Wrapping: a stored head at the edge of 64 bits (an altered ledger) breaks the chain,
        // which `verify` names, rather than trapping.
        let next = sequence &+ 1
        return LedgerHead(sequence: next, hash: Blake2b.hex(Data("\(hash)\n\(next)\n\(content)".utf8)))
    }
}

/// One entry of the chain as it is hashed.
enum LedgerEntry {
    /// The canonical content of a budget row: every field, unambiguously separated.
    static func budget(dataset: String, epsilon: Double, delta: Double, created: String, fingerprint: String?)
        -> String
    {
        // A budget without a fingerprint (declared before data binding) keeps its original content.
        (["budget", dataset, hex(epsilon), hex(delta), created] + (fingerprint.map { [$0] } ?? [])).map(escaped)
            .joined(separator: "|")
    }

    /// The canonical content of a data version declared for a budget.
    static func dataVersion(dataset: String, fingerprint: String, created: String) -> String {
        ["data-version", dataset, fingerprint, created].map(escaped).joined(separator: "|")
    }

    /// The canonical content of a charge row.
    static func charge(
        dataset: String, mechanism: String, parameters: String, cost: String, seeded: Bool, time: String,
        reservation: Int64? = nil
    ) -> String {
        (["charge", dataset, mechanism, parameters, cost, seeded ? "1" : "0", time]
            + (reservation.map { ["reservation \($0)"] } ?? [])).map(escaped).joined(separator: "|")
    }

    /// The canonical content of a model binding.
    static func binding(model: String, dataset: String, first: Int64, last: Int64, epsilon: Double, delta: Double)
        -> String
    {
        ["binding", model, dataset, String(first), String(last), hex(epsilon), hex(delta)].map(escaped)
            .joined(separator: "|")
    }

    static func hex(_ value: Double) -> String { String(value.bitPattern, radix: 16) }

    static func escaped(_ field: String) -> String {
        field.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "|", with: "\\|")
    }
}

/// What `BudgetLedger.verify` found.
public struct LedgerVerification: Sendable, Equatable {
    /// The head the entries lead to.
    public let head: LedgerHead
    /// One line per problem, naming the entry or table; empty when the ledger is intact.
    public let problems: [String]
    public var intact: Bool { problems.isEmpty }
}

extension BudgetLedger {
    /// The current schema: version 2 adds the chain (`seq`, `hash`, the `meta` table), version 3
    /// forms reviews (`FormsReview`: the `forms_review` table, `meta`'s `forms_version`).
    static let schemaVersion = 3

    static func createSchema(_ db: any LedgerSQL) throws {
        try db.execute(
            """
            CREATE TABLE meta (key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL);
            CREATE TABLE budget (
                dataset TEXT PRIMARY KEY NOT NULL,
                epsilon REAL NOT NULL,
                delta REAL NOT NULL,
                created TEXT NOT NULL,
                seq INTEGER NOT NULL UNIQUE,
                hash TEXT NOT NULL,
                fingerprint TEXT
            );
            CREATE TABLE charge (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                dataset TEXT NOT NULL REFERENCES budget(dataset),
                mechanism TEXT NOT NULL,
                parameters TEXT NOT NULL,
                cost TEXT NOT NULL,
                seeded INTEGER NOT NULL,
                time TEXT NOT NULL,
                seq INTEGER NOT NULL UNIQUE,
                hash TEXT NOT NULL,
                reservation INTEGER
            );
            """)
        try createBindingTable(db)
        try createReservationTables(db)
        try db.execute(
            "INSERT INTO meta (key, value) VALUES ('schema_version', ?), ('head_seq', '0'), ('head_hash', ?)",
            ["\(schemaVersion)", LedgerHead.genesis.hash])
        try FormsReview.create(db)
    }

    /// Brings a version-1 ledger (no chain) to version 2, chaining its rows as they are: budgets in
    /// the order they were declared, then charges in id order. What was there before is trusted.
    static func upgradeFromVersion1(_ db: any LedgerSQL) throws {
        try db.execute(
            """
            CREATE TABLE meta (key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL);
            ALTER TABLE budget ADD COLUMN seq INTEGER;
            ALTER TABLE budget ADD COLUMN hash TEXT;
            ALTER TABLE budget ADD COLUMN fingerprint TEXT;
            ALTER TABLE charge ADD COLUMN seq INTEGER;
            ALTER TABLE charge ADD COLUMN hash TEXT;
            ALTER TABLE charge ADD COLUMN reservation INTEGER;
            """)
        var head = LedgerHead.genesis
        for row in try db.rows("SELECT rowid AS r, * FROM budget ORDER BY created, rowid") {
            head = head.appending(try budgetContent(row))
            try db.execute(
                "UPDATE budget SET seq = ?, hash = ? WHERE rowid = ?",
                [head.sequence, head.hash, try row.checked("r") as Int64])
        }
        for row in try db.rows("SELECT * FROM charge ORDER BY id") {
            head = head.appending(try chargeContent(row))
            try db.execute(
                "UPDATE charge SET seq = ?, hash = ? WHERE id = ?",
                [head.sequence, head.hash, try row.checked("id") as Int64])
        }
        try createBindingTable(db)
        try createReservationTables(db)
        try db.execute(
            "INSERT INTO meta (key, value) VALUES ('schema_version', ?), ('head_seq', ?), ('head_hash', ?)",
            ["\(schemaVersion)", "\(head.sequence)", head.hash])
    }

    /// Which charges paid for which saved model (`ModelBinding`), and which data versions a
    /// budget covers besides the one it was declared for; chained like every entry.
    static func createBindingTable(_ db: any LedgerSQL) throws {
        try db.execute(
            """
            CREATE TABLE data_version (
                dataset TEXT NOT NULL REFERENCES budget(dataset),
                fingerprint TEXT NOT NULL,
                created TEXT NOT NULL,
                seq INTEGER NOT NULL UNIQUE,
                hash TEXT NOT NULL
            );
            """)
        try db.execute(
            """
            CREATE TABLE binding (
                model TEXT NOT NULL,
                dataset TEXT NOT NULL REFERENCES budget(dataset),
                first_seq INTEGER NOT NULL,
                last_seq INTEGER NOT NULL,
                epsilon REAL NOT NULL,
                delta REAL NOT NULL,
                seq INTEGER NOT NULL UNIQUE,
                hash TEXT NOT NULL
            );
            """)
    }

    static func bindingContent(_ row: LedgerRow) throws -> String {
        LedgerEntry.binding(
            model: try row.checked("model"), dataset: try row.checked("dataset"), first: try row.checked("first_seq"),
            last: try row.checked("last_seq"),
            epsilon: try row.checked("epsilon"), delta: try row.checked("delta"))
    }

    static func budgetContent(_ row: LedgerRow) throws -> String {
        LedgerEntry.budget(
            dataset: try row.checked("dataset"), epsilon: try row.checked("epsilon"), delta: try row.checked("delta"),
            created: try row.checked("created"),
            fingerprint: try row.checkedOptional("fingerprint"))
    }

    static func dataVersionContent(_ row: LedgerRow) throws -> String {
        LedgerEntry.dataVersion(
            dataset: try row.checked("dataset"), fingerprint: try row.checked("fingerprint"),
            created: try row.checked("created"))
    }

    static func chargeContent(_ row: LedgerRow) throws -> String {
        LedgerEntry.charge(
            dataset: try row.checked("dataset"), mechanism: try row.checked("mechanism"),
            parameters: try row.checked("parameters"), cost: try row.checked("cost"),
            seeded: try row.checked("seeded"), time: try row.checked("time"),
            reservation: try row.checkedOptional("reservation"))
    }

    /// The head the `meta` table records.
    static func storedHead(_ db: any LedgerSQL) throws -> LedgerHead {
        let values = try Dictionary(
            uniqueKeysWithValues: db.rows("SELECT key, value FROM meta").map {
                ((try $0.checked("key") as String), (try $0.checked("value") as String))
            })
        guard let sequence = values["head_seq"].flatMap({ Int64($0) }), let hash = values["head_hash"] else {
            throw LedgerError.tampered("the meta table has no head: the ledger was altered")
        }
        return LedgerHead(sequence: sequence, hash: hash)
    }

    /// Appends an entry inside the caller's write transaction and returns its (seq, hash).
    static func append(_ content: String, _ db: any LedgerSQL) throws -> LedgerHead {
        let head = try storedHead(db).appending(content)
        try db.execute("UPDATE meta SET value = ? WHERE key = 'head_seq'", ["\(head.sequence)"])
        try db.execute("UPDATE meta SET value = ? WHERE key = 'head_hash'", [head.hash])
        return head
    }

    /// Recomputes the chain from every entry and compares it with the stored hashes and head.
    static func verifyChain(_ db: any LedgerSQL) throws -> LedgerVerification {
        var problems: [String] = []
        var tables = ["meta", "budget", "charge", "binding", "data_version", "reservation", "reservation_end"]
        // A version-2 ledger, read before any build of version 3 opened it for writing, has none.
        if try db.tableExists("meta"),
            try db.string("SELECT value FROM meta WHERE key = 'schema_version'") != "2"
        {
            tables.append("forms_review")
        }
        for table in tables where try !db.tableExists(table) {
            problems.append("table '\(table)' is missing: the ledger was altered")
        }
        problems += try db.structureProblems()
        guard problems.isEmpty else { return LedgerVerification(head: .genesis, problems: problems) }
        var entries: [(seq: Int64, hash: String, content: String, name: String)] = []
        func add(_ row: LedgerRow, _ content: String, _ name: String) throws {
            entries.append((try row.checked("seq"), try row.checked("hash"), content, name))
        }
        for row in try db.rows("SELECT * FROM budget") {
            let dataset: String = try row.checked("dataset")
            try add(row, try budgetContent(row), "budget of '\(dataset)'")
            if !BudgetLedger.validTotal(epsilon: try row.checked("epsilon"), delta: try row.checked("delta")) {
                problems.append("the budget of '\(dataset)' is out of range: the row was altered")
            }
        }
        // A chain can be hashed again after an edit: what the rows say is checked too.
        for table in ["charge", "reservation"] {
            for row in try db.rows("SELECT id, cost FROM \(table)") {
                let id: Int64 = try row.checked("id")
                if (try? BudgetLedger.decodeCost(try row.checked("cost"), row: id, path: "", entry: table)) == nil {
                    problems.append(
                        "\(table) #\(id) has a cost that cannot be read or is out of range: the row was altered")
                }
            }
        }
        for row in try db.rows("SELECT * FROM charge") {
            try add(row, try chargeContent(row), "charge #\(try row.checked("id") as Int64)")
        }
        for row in try db.rows("SELECT * FROM data_version") {
            try add(row, try dataVersionContent(row), "data version of '\(try row.checked("dataset") as String)'")
        }
        for row in try db.rows("SELECT * FROM reservation") {
            try add(row, try reservationContent(row), "reservation #\(try row.checked("id") as Int64)")
        }
        for row in try db.rows("SELECT * FROM reservation_end") {
            try add(
                row, try reservationEndContent(row), "end of reservation #\(try row.checked("reservation") as Int64)")
        }
        for row in try db.rows("SELECT * FROM binding") {
            try add(row, try bindingContent(row), "binding of model \(try row.checked("model") as String)")
        }
        if try db.tableExists("forms_review") {
            for row in try db.rows("SELECT * FROM forms_review") {
                try add(row, try FormsReview.content(row), "forms review of '\(try row.checked("dataset") as String)'")
            }
        }
        if let key = try FileNameKeyEntry.stored(db) {
            if let seq = key.seq.flatMap({ Int64($0) }), let hash = key.hash {
                entries.append((seq, hash, FileNameKeyEntry.content(key: key.key), "the file-name key"))
            } else if key.seq != nil || key.hash != nil {
                problems.append(
                    "the file-name key's entry number or hash is missing or unreadable: the meta table was altered")
            }
        }
        entries.sort { $0.seq < $1.seq }
        var head = LedgerHead.genesis
        for entry in entries {
            let next = head.sequence.addingReportingOverflow(1)
            if next.overflow || entry.seq != next.partialValue {
                problems.append(
                    !next.overflow && entry.seq > next.partialValue
                        ? "entries \(next.partialValue)...\(entry.seq - 1) are missing before \(entry.name): "
                            + "rows were deleted"
                        : "entry \(entry.seq) (\(entry.name)) repeats or comes before an earlier entry: rows were "
                            + "edited")
                break
            }
            head = head.appending(entry.content)
            if head.hash != entry.hash {
                problems.append("entry \(entry.seq) (\(entry.name)) does not match its hash: the row was edited")
                break
            }
        }
        if problems.isEmpty {
            let stored = try storedHead(db)
            if stored != head {
                problems.append(
                    "the ledger's head says \(stored.sequence) entries but the chain has \(head.sequence): "
                        + "entries were removed or the head was edited")
            }
        }
        return LedgerVerification(head: head, problems: problems)
    }
}

extension BudgetLedger {
    /// Checks the ledger file at `path` without trusting it (`verify(store:anchors:listed:)`).
    public static func verify(
        path: String, anchors: [(String, LedgerHead)] = [], listed: [(String, LedgerStatement)] = []
    ) throws -> LedgerVerification {
        var status = stat()
        guard stat(path, &status) == 0 else { throw LedgerError.invalid("ledger \(path): no such file") }
        guard status.st_size > 0 else {
            return LedgerVerification(
                head: .genesis, problems: ["the file is empty: the ledger was truncated or replaced"])
        }
        do {
            // Without the right to write, the read-only open below says what it finds.
            try? SQLiteLedgerStore.rollBackInterruptedWrite(path: path)
            let store = try SQLiteLedgerStore(path: path, readOnly: true)
            return try verify(store: store, anchors: anchors, listed: listed)
        } catch let error as LedgerError {
            return LedgerVerification(head: .genesis, problems: ["not a readable ledger (\(error.description))"])
        }
    }

    /// Checks the ledger in `store` without trusting it: its tables, its chain and its head, and
    /// that each anchor (a head a signed report recorded, by the report's name) is still an entry
    /// of the chain, which catches a ledger whose tail was removed after the report was signed,
    /// and that each charge a statement `listed` lists (by the report's name) is held as listed.
    public static func verify(
        store: any LedgerStore, anchors: [(String, LedgerHead)] = [], listed: [(String, LedgerStatement)] = []
    ) throws -> LedgerVerification {
        try store.read { db in
            let chain: LedgerVerification
            do {
                chain = try verifyChain(db)
            } catch let error as LedgerError {
                return LedgerVerification(head: .genesis, problems: [error.description])
            }
            guard chain.intact else { return chain }
            var problems: [String] = []
            let key = try FileNameKeyEntry.stored(db)
            for (name, anchor) in anchors {
                if anchor.sequence > chain.head.sequence {
                    problems.append(
                        "\(name) recorded entry \(anchor.sequence) but the ledger ends at entry "
                            + "\(chain.head.sequence): entries were removed from its end")
                    continue
                }
                let stored =
                    anchor.sequence == 0
                    ? LedgerHead.genesis.hash
                    : try db.string(
                        """
                        SELECT hash FROM budget WHERE seq = ? UNION SELECT hash FROM charge WHERE seq = ?
                        UNION SELECT hash FROM binding WHERE seq = ?
                        UNION SELECT hash FROM data_version WHERE seq = ?
                        UNION SELECT hash FROM reservation WHERE seq = ?
                        UNION SELECT hash FROM reservation_end WHERE seq = ?
                        """, Array(repeating: anchor.sequence, count: 6))
                if stored == nil, let key, key.seq == "\(anchor.sequence)", key.hash == anchor.hash { continue }
                if stored != anchor.hash {
                    problems.append("\(name) recorded a different entry \(anchor.sequence): the ledger was rewritten")
                }
            }
            for (name, statement) in listed {
                let held = try charges(db, dataset: statement.dataset, path: "the ledger")
                for charge in statement.chargesNotIn(held) {
                    problems.append(
                        "charge #\(charge.id) (\(charge.mechanism)), which \(name) lists, is not in "
                            + "the ledger as listed: renumbered, edited or removed")
                }
            }
            return LedgerVerification(head: chain.head, problems: problems)
        }
    }
}
