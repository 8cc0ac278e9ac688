import DPData
import Foundation

/// A PostgreSQL table as the marginal methods read it: the database counts every marginal,
/// many per scan (grouping sets and filtered sums over the columns' codes, `PivotPlan`), and
/// only counts leave it. Opening it checks the columns and runs one validation scan, so a value
/// the schema refuses is reported before anything is charged.
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
    /// `work_mem` rather than sorting the table once per set). The temporary tables of codes
    /// are read once per statement: `temp_buffers` lets the session keep up to 1 GB of them in
    /// its own memory instead of passing every page through the file system (the setting is a
    /// ceiling, used as the tables grow, and must come before the session's first temporary
    /// table). A table counted in parts (`TablePart`, at most 8 sessions) holds up to 1 GB a
    /// session, within the size of its codes, which would otherwise sit in the server's file
    /// cache. JIT compilation is left to the server's settings (`jit`, `jit_above_cost`): they
    /// compile a large table's filtered sums (`PivotPlan`) and leave a small table's statements
    /// alone.
    static let sessionSettings = "SET temp_buffers = '1GB'; SET work_mem = '256MB'; SET enable_sort = off"

    /// The rows this session counts (the part's, for a part of a table).
    private(set) var rowCount = 0

    /// Whether the codes are in a temporary table (`materialize`), which blocks need.
    var materialized: Bool { codes == "dpsynth_codes" }

    /// A cell of more rows than a count holds (2^32 − 1): refused rather than counted wrong.
    static func cellTooLarge(_ table: PostgresTable) -> DataError {
        DataError(
            file: table.location.text, problem: "a marginal's cell holds more rows than dpsynth counts (2^32 - 1)",
            hint: "Synthesize from a sample of the table."
        ).inPrivateRows
    }

    static func noRows(_ table: PostgresTable) -> DataError {
        DataError(file: table.location.text, problem: "the table has no rows", hint: "Give a table with data.")
            .inPrivateRows
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
            try table.location.refuseStatementDependentRows(on: connection)
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
        let direct = plan.direct.map { scanned[$0] }
        for (index, table) in zip(plan.direct, try count(direct, from: codes, codeParameters, tally: tally)) {
            tables[index] = table
        }
        counted.store(scanned, tables.map { $0! })
        return counted.answers(attributeSets)
    }

    /// The marginals of `sets`, all inside `columns`: one scan counts the block into a temporary
    /// table, and the sets are counted from it (`CountPlan`).
    func count(_ sets: [[Int]], inBlock columns: [Int]) throws -> [ContingencyTable] {
        let names = columns.map { "c\($0)" }.joined(separator: ", ")
        try connection.execute(
            "CREATE TEMPORARY TABLE dpsynth_block AS SELECT \(names), \(tally)::int8 AS n FROM \(codes) "
                + "GROUP BY \(names)", what: "counting marginals")
        defer { _ = try? connection.execute("DROP TABLE IF EXISTS dpsynth_block", what: "counting marginals") }
        return try count(sets, from: "dpsynth_block", [], tally: "sum(n)")
    }

    /// The marginals of `sets` from `source`, whose rows each count `tally`: one scan per
    /// statement of their `PivotPlan`.
    func count(_ sets: [[Int]], from source: String, _ parameters: [String?], tally: String) throws
        -> [ContingencyTable]
    {
        var cells = [[Int]](repeating: [], count: sets.count)
        var counts = [[UInt32]](repeating: [], count: sets.count)
        for statement in PivotPlan(sets: sets, domain: domain).statements {
            try count(statement, of: sets, from: source, parameters, tally: tally, cells: &cells, counts: &counts)
        }
        return sets.indices.map { index in
            ContingencyTable(
                attributes: sets[index], shape: sets[index].map { domain[$0] }, nonzeroCells: cells[index],
                counts: counts[index])
        }
    }

    /// One statement of a `PivotPlan`: its nonzero cells are appended to `cells` and `counts`
    /// (indexed as `sets`). Every group's filtered sums over a pivot's levels must add up to the
    /// group's count; a code outside its column's levels would otherwise go uncounted.
    func count(
        _ statement: PivotPlan.Statement, of sets: [[Int]], from source: String, _ parameters: [String?],
        tally: String, cells: inout [[Int]], counts: inout [[UInt32]]
    ) throws {
        let used = Array(Set(statement.keys.flatMap(\.columns))).sorted()
        let names = used.map { "c\($0)" }
        // GROUPING()'s bit for argument j (rightmost = bit 0) is 1 when that column is not grouped.
        // One key needs no GROUPING() (which takes at most 31 arguments): its rows are all its own.
        let grouped = statement.keys.count > 1 && !used.isEmpty
        let grouping = grouped ? "GROUPING(\(names.joined(separator: ", ")))" : "0"
        var keyOfMask: [Int: Int] = [:]
        for (index, key) in statement.keys.enumerated() {
            var mask = 0
            for (j, column) in used.enumerated() where grouped && !key.columns.contains(column) {
                mask |= 1 << (used.count - 1 - j)
            }
            keyOfMask[mask] = index
        }
        // The levels are the schema's, written as numbers: no value of the data is in the SQL.
        var firstFilter: [Int: Int] = [:]
        var filters: [String] = []
        for pivot in statement.pivots {
            firstFilter[pivot] = names.count + 2 + filters.count
            filters += (0..<domain[pivot]).map { "\(tally) FILTER (WHERE c\(pivot) = \($0))" }
        }
        let groups = statement.keys.map { "(" + $0.columns.map { "c\($0)" }.joined(separator: ", ") + ")" }
        let sql = """
            SELECT \(([grouping] + names + [tally] + filters).joined(separator: ", ")) \
            FROM \(source) GROUP BY GROUPING SETS (\(groups.joined(separator: ", ")))
            """
        let slot = Dictionary(uniqueKeysWithValues: used.enumerated().map { ($1, $0 + 1) })
        let tallySlot = names.count + 1
        var value = [Int](repeating: 0, count: domain.count)
        func cell(_ set: Int) -> Int { sets[set].reduce(0) { $0 * domain[$1] + value[$1] } }
        let width = tallySlot + 1 + filters.count
        try connection.forEachBatch(sql, parameters, what: "counting marginals") { rows in
            for row in rows {
                guard row.count == width else {
                    throw DataError(
                        file: table.location.text, problem: "the server's answer to a count has the wrong shape",
                        hint: "Check that the server speaks PostgreSQL's SQL.")
                }
                guard let mask = row[0].flatMap({ Int($0) }), let keyIndex = keyOfMask[mask] else { continue }
                let key = statement.keys[keyIndex]
                for column in key.columns {
                    guard let code = row[slot[column]!].flatMap({ Int($0) }), code >= 0, code < domain[column] else {
                        throw table.refusal(code: 0, column: column)
                    }
                    value[column] = code
                }
                // An empty source's one group (of no columns) has no count, or 0.
                guard let text = row[tallySlot] else { continue }
                guard let total = UInt64(text) else { throw Self.cellTooLarge(table) }
                for answer in key.answers {
                    guard let pivot = answer.pivot else {
                        guard total <= UInt32.max else { throw Self.cellTooLarge(table) }
                        cells[answer.set].append(cell(answer.set))
                        counts[answer.set].append(UInt32(total))
                        continue
                    }
                    var sum: UInt64 = 0
                    for level in 0..<domain[pivot] {
                        guard let text = row[firstFilter[pivot]! + level] else { continue }
                        guard let count = UInt32(text) else { throw Self.cellTooLarge(table) }
                        guard count > 0 else { continue }
                        value[pivot] = level
                        cells[answer.set].append(cell(answer.set))
                        counts[answer.set].append(count)
                        sum += UInt64(count)
                    }
                    guard sum == total else { throw table.refusal(code: 0, column: pivot) }
                }
            }
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
