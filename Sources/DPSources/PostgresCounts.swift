import DPData
import Foundation

/// A PostgreSQL table as the marginal methods read it: the database counts every marginal,
/// many per scan (GROUPING SETS over the columns' codes), and only counts leave it. Opening it
/// checks the columns and runs one validation scan, so a value the schema refuses is reported
/// before anything is charged.
///
/// Privacy: the counts are exact and private, like `EncodedDataset.marginals`; only a charged
/// mechanism releases anything computed from them.
public final class PostgresCounts: PrivateTable, @unchecked Sendable {
    public let table: PostgresTable
    public let schema: Schema
    public let columns: [Column]
    public let domain: [Int]
    let connection: PostgresConnection
    /// The connection serves one statement at a time.
    let lock = NSLock()
    /// Marginals counted so far: a method that measures a marginal it already scored (AIM's
    /// candidates) does not scan the table again.
    var counted = CountCache()
    /// Whether `counted` outlives a call: not for the parts of a table counted in parts, whose
    /// sums are kept once by the whole (`PartitionedTable`).
    let keepsCounts: Bool

    /// The most marginals one statement asks for, and the most distinct columns it groups by
    /// (PostgreSQL's GROUPING() takes at most 31 arguments).
    static let setsPerScan = 128
    static let columnsPerScan = 31

    public convenience init(_ table: PostgresTable) throws {
        try self.init(table, keepsCounts: true)
        if rowCount == 0 { throw Self.noRows(table) }
    }

    init(_ table: PostgresTable, keepsCounts: Bool) throws {
        self.table = table
        self.keepsCounts = keepsCounts
        schema = table.schema
        columns = table.schema.encodedColumns
        domain = columns.map(\.domainSize)
        connection = try table.connect()
        columnStorage = try table.checkColumns(on: connection)
        try connection.execute(Self.sessionSettings, what: "preparing the session")
        codes = try Self.materialize(table, storage: columnStorage, on: connection)
        // Without a temporary table every statement reads the table itself: one snapshot for the
        // session, so that each reads the rows the validation read, whatever is written meanwhile.
        if !materialized {
            try connection.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", what: "sharing a snapshot")
        }
        rowCount = try validate()
    }

    /// Counting statements hash every grouping set in memory (spilling to disk beyond
    /// `work_mem` rather than sorting the table once per set), without JIT compilation, which
    /// costs more than it saves on these short aggregates.
    static let sessionSettings = "SET work_mem = '256MB'; SET enable_sort = off; SET jit = off"

    /// The rows this session counts (the part's, for a part of a table).
    private(set) var rowCount = 0

    /// Whether the codes are in a temporary table (`materialize`), which blocks need.
    var materialized: Bool { codes == "dpsynth_codes" }

    /// A cell of more rows than a count holds (2^32 − 1): refused rather than counted wrong.
    static func cellTooLarge(_ table: PostgresTable) -> DataError {
        DataError(
            file: table.location.text, problem: "a marginal's cell holds more rows than dpsynth counts (2^32 - 1)",
            hint: "Synthesize from a sample of the table.")
    }

    static func noRows(_ table: PostgresTable) -> DataError {
        DataError(file: table.location.text, problem: "the table has no rows", hint: "Give a table with data.")
    }

    /// What the counting statements read: the table's distinct rows of codes with the number of
    /// rows `n` that have each, computed once into a temporary table of the session (it stays on
    /// the server and disappears with the connection), so every later scan reads as many rows as
    /// the table has distinct code rows, not as many as it has rows; on a server that allows no
    /// temporary table (a read-only standby), the code query itself, one row per row. `n` is a
    /// 4-byte integer, whose sums PostgreSQL adds as 8-byte integers rather than as numerics; a
    /// session whose rows repeat one row of codes 2^31 times or more stops with PostgreSQL's
    /// out-of-range error instead of counting wrong.
    let codes: String

    /// What one row of `codes` counts for.
    var tally: String { materialized ? "sum(n)" : "count(*)" }

    /// How the database stores each column (`PostgresTable.checkColumns`).
    let columnStorage: [String: SQLColumnCode.Storage]

    static func materialize(
        _ table: PostgresTable, storage: [String: SQLColumnCode.Storage], on connection: PostgresConnection
    ) throws -> String {
        let (select, parameters) = table.codeQuery(storage: storage)
        let names = table.encoded.indices.map { "c\($0)" }.joined(separator: ", ")
        let columns = table.encoded.indices.map { "c\($0) int4" }.joined(separator: ", ")
        do {
            try connection.execute(
                "CREATE TEMPORARY TABLE dpsynth_codes (\(columns), n int4) ON COMMIT PRESERVE ROWS",
                what: "preparing the codes")
        } catch let error as DataError where Self.noTemporaryTables.contains(error.databaseState ?? "") {
            return "(\(select)) AS codes"
        }
        // A part reads its pages in the snapshot its table's parts share.
        if let part = table.part {
            try connection.execute(
                "BEGIN ISOLATION LEVEL REPEATABLE READ; SET TRANSACTION SNAPSHOT '\(part.snapshot)'",
                what: "joining the snapshot")
        }
        try connection.execute(
            "INSERT INTO dpsynth_codes SELECT \(names), count(*) FROM (\(select)) AS rows GROUP BY \(names)",
            parameters, what: "computing the codes")
        if table.part != nil { try connection.execute("COMMIT", what: "computing the codes") }
        try connection.execute("ANALYZE dpsynth_codes", what: "computing the codes")
        return "dpsynth_codes"
    }

    /// The refusals of a temporary table that counting works around: a read-only transaction
    /// (a hot standby) and no TEMPORARY right.
    static let noTemporaryTables: Set<String> = ["25006", "42501"]

    /// How many rows the counting statements read (`codes`'s rows): at most the table's distinct
    /// code rows when the codes are materialized. A private figure, for tests only.
    func rowsRead() throws -> Int {
        let result = try connection.execute("SELECT count(*) FROM \(codes)", codeParameters, what: "counting rows")
        return result.rows.first?.first.flatMap { $0.flatMap { Int($0) } } ?? 0
    }

    /// The code query's parameters when `codes` is the query itself.
    var codeParameters: [String?] {
        codes == "dpsynth_codes" ? [] : table.codeQuery(storage: columnStorage).parameters
    }

    /// One scan: the number of rows, and the smallest code of each column; a negative one is a
    /// value the schema refuses.
    func validate() throws -> Int {
        let minima = (0..<columns.count).map { "min(c\($0))" }.joined(separator: ", ")
        let result = try connection.execute(
            "SELECT coalesce(\(tally), 0), \(minima) FROM \(codes)", codeParameters, what: "checking the values")
        let row = result.rows.first ?? []
        for column in columns.indices where column + 1 < row.count {
            if let text = row[column + 1], let code = Int(text), code < 0 {
                throw table.refusal(code: code, column: column)
            }
        }
        return row.first?.flatMap { Int($0) } ?? 0
    }

    public func marginals(_ attributeSets: [[Int]]) throws -> [ContingencyTable] {
        lock.lock()
        defer { lock.unlock() }
        defer { if !keepsCounts { counted.removeAll() } }
        let scanned = counted.toCount(attributeSets)
        var tables = [ContingencyTable?](repeating: nil, count: scanned.count)
        let plan = materialized ? CountPlan(sets: scanned, domain: domain) : CountPlan(direct: scanned.indices)
        for block in plan.blocks {
            let sets = block.sets.map { scanned[$0] }
            for (index, table) in zip(block.sets, try count(sets, inBlock: block.columns)) { tables[index] = table }
        }
        for scan in Self.scans(plan.direct, of: scanned) {
            let sets = scan.map { scanned[$0] }
            for (index, table) in zip(scan, try count(sets, from: codes, codeParameters, tally: tally)) {
                tables[index] = table
            }
        }
        counted.store(scanned, tables.map { $0! })
        return counted.answers(attributeSets)
    }

    /// `indices` (of `sets`) in order, cut into the statements that count them: at most
    /// `setsPerScan` sets and `columnsPerScan` distinct columns each.
    static func scans(_ indices: [Int], of sets: [[Int]]) -> [[Int]] {
        var scans: [[Int]] = []
        var scan: [Int] = []
        var columns: Set<Int> = []
        for index in indices {
            if !scan.isEmpty && (scan.count == setsPerScan || columns.union(sets[index]).count > columnsPerScan) {
                scans.append(scan)
                (scan, columns) = ([], [])
            }
            scan.append(index)
            columns.formUnion(sets[index])
        }
        if !scan.isEmpty { scans.append(scan) }
        return scans
    }

    /// The marginals of `sets`, all inside `columns`: one scan counts the block into a temporary
    /// table, and the sets are summed out of it (`CountPlan`).
    func count(_ sets: [[Int]], inBlock columns: [Int]) throws -> [ContingencyTable] {
        let names = columns.map { "c\($0)" }.joined(separator: ", ")
        try connection.execute(
            "CREATE TEMPORARY TABLE dpsynth_block AS SELECT \(names), \(tally)::int8 AS n FROM \(codes) "
                + "GROUP BY \(names)", what: "counting marginals")
        defer { _ = try? connection.execute("DROP TABLE IF EXISTS dpsynth_block", what: "counting marginals") }
        var tables: [ContingencyTable] = []
        for scan in Self.scans(Array(sets.indices), of: sets) {
            tables += try count(scan.map { sets[$0] }, from: "dpsynth_block", [], tally: "sum(n)")
        }
        return tables
    }

    /// The marginals of `sets` (at most `columnsPerScan` distinct columns) from one scan of
    /// `source`, whose rows each count `tally`.
    func count(_ sets: [[Int]], from source: String, _ parameters: [String?], tally: String) throws
        -> [ContingencyTable]
    {
        let used = Array(Set(sets.joined())).sorted()
        let names = used.map { "c\($0)" }
        let grouping = used.isEmpty ? "0" : "GROUPING(\(names.joined(separator: ", ")))"
        // Each column set once: PostgreSQL returns a repeated grouping set's groups again.
        let groups = Set(sets.map { $0.sorted() }).sorted { $0.lexicographicallyPrecedes($1) }
            .map { "(" + $0.map { "c\($0)" }.joined(separator: ", ") + ")" }.joined(separator: ", ")
        let sql = """
            SELECT \(grouping), \(names.isEmpty ? "" : names.joined(separator: ", ") + ",") \(tally) \
            FROM \(source) GROUP BY GROUPING SETS (\(groups))
            """
        // GROUPING()'s bit for argument j (rightmost = bit 0) is 1 when that column is not grouped.
        // Sets with the same columns in another order share a grouping set, hence a mask.
        var setsOfMask: [Int: [Int]] = [:]
        for (index, set) in sets.enumerated() {
            var mask = 0
            for (j, column) in used.enumerated() where !set.contains(column) { mask |= 1 << (used.count - 1 - j) }
            setsOfMask[mask, default: []].append(index)
        }
        // Only nonzero cells arrive, each once per set.
        var cells = [[Int]](repeating: [], count: sets.count)
        var counts = [[UInt32]](repeating: [], count: sets.count)
        let slot = Dictionary(uniqueKeysWithValues: used.enumerated().map { ($1, $0 + 1) })
        try connection.forEachBatch(sql, parameters, what: "counting marginals") { rows in
            for row in rows {
                guard let mask = row[0].flatMap({ Int($0) }), let indices = setsOfMask[mask] else { continue }
                guard let count = row[row.count - 1].flatMap({ UInt32($0) }) else {
                    throw Self.cellTooLarge(table)
                }
                for index in indices {
                    var cell = 0
                    for column in sets[index] {
                        guard let code = row[slot[column]!].flatMap({ Int($0) }), code >= 0, code < domain[column]
                        else { throw table.refusal(code: 0, column: column) }
                        cell = cell * domain[column] + code
                    }
                    cells[index].append(cell)
                    counts[index].append(count)
                }
            }
        }
        return sets.indices.map { index in
            ContingencyTable(
                attributes: sets[index], shape: sets[index].map { domain[$0] }, nonzeroCells: cells[index],
                counts: counts[index])
        }
    }

    public func forgetCounts() {
        lock.lock()
        defer { lock.unlock() }
        counted.removeAll()
    }

    /// How many times a caller asked for the rows: a marginal method never does (tests check it).
    public private(set) var rowRequests = 0

    public func rows() throws -> EncodedDataset {
        lock.lock()
        rowRequests += 1
        lock.unlock()
        return try table.load()
    }
}
