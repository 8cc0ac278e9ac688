import DPGenerators
import DPLedger
import DPRandomness
import DPTestSupport
import Foundation
import Testing

@testable import DPData
@testable import DPSources

/// Marginals counted inside PostgreSQL equal those counted from the rows, batched into few
/// scans, and a table split across two servers adds up to the whole.
@Suite(.enabled(if: TestPostgres.available, Comment(rawValue: TestPostgres.skipMessage)))
struct PostgresCountsTests {
    static func randomRows(_ count: Int, seed: UInt64) -> [[String]] {
        let generator = RandomSource.seeded(seed)
        return (0..<count).map { index in
            [
                "\(index)", ["red", "green ish", "a,b", "q\"t", "other", "", "?"][Int(generator.nextUInt64() % 7)],
                "\(Int(generator.nextUInt64() % 120) - 10)", "\(Int64(bitPattern: generator.nextUInt64()) / 1000)",
                "\(Int(generator.nextUInt64() % 101))",
                String(Double(Int64(bitPattern: generator.nextUInt64()) % 5_000_000) / 1_000_000),
                String(Double(generator.nextUInt64() % 1_100_000) / 1000),
                ["0", "1", "2", "3", "none"][Int(generator.nextUInt64() % 5)],
            ]
        }
    }

    static func table(_ rows: [[String]], server: Int = 0) throws -> String {
        try TestPostgres.table(
            server: server, columns: PostgresTableTests.header.map { ($0, "text") },
            rows: rows.map { $0.map { $0 as String? } })
    }

    /// Every 1-, 2- and 3-way marginal, some repeated or in another attribute order.
    static func sets(_ table: EncodedDataset) -> [[Int]] {
        let all = (1...3).flatMap { size in table.columnSets(size: size) }
        return all + [[2, 0], [1], [4, 3, 1]]
    }

    @Test func theDatabaseCountsEveryMarginalAsTheRowsDo() throws {
        let schema = try SchemaLoader.parse(PostgresTableTests.schema)
        let rows = Self.randomRows(1500, seed: 11)
        let url = try Self.table(rows)
        let counted = try DataSource(url, key: "--data").table(schema: schema, countsOnly: true)
        #expect(counted is PostgresCounts)
        let loaded = try DataSource(url, key: "--data").load(schema: schema)
        let sets = Self.sets(loaded)
        let fromDatabase = try counted.marginals(sets)
        let fromRows = loaded.marginals(sets)
        for index in sets.indices where fromDatabase[index] != fromRows[index] {
            Issue.record(
                "\(sets[index]): \(fromDatabase[index].counts.prefix(20)) vs \(fromRows[index].counts.prefix(20))")
            break
        }
        #expect(counted.domain == loaded.domain)
        // Kept until a fit ends, then forgotten: the next request counts again.
        let single = try #require(counted as? PostgresCounts)
        #expect(single.counted.toCount([sets[0]]).isEmpty)
        counted.forgetCounts()
        #expect(single.counted.toCount([sets[0]]) == [sets[0]])
        #expect(try counted.marginals(sets) == fromRows)
    }

    /// Only nonzero cells leave the database, and a mostly empty table is kept as those cells:
    /// a method holding every candidate's counts (AIM) holds a fraction of their cells.
    @Test func mostlyEmptyTablesAreKeptAsTheirNonzeroCells() throws {
        let schema = try SchemaLoader.parse(PostgresTableTests.schema)
        let url = try Self.table(Self.randomRows(20, seed: 5))
        let counted = try DataSource(url, key: "--data").table(schema: schema, countsOnly: true)
        let loaded = try DataSource(url, key: "--data").load(schema: schema)
        let wide = [2, 3, 5]
        #expect(wide.reduce(1) { $0 * loaded.domain[$1] } > 2 * 20)
        let tables = try counted.marginals([wide, [6]])
        guard case .sparse(let cells, _, _) = tables[0].storage else {
            Issue.record("a table of \(tables[0].count) cells and 20 rows is kept dense")
            return
        }
        #expect(cells.count <= 20)
        #expect(tables == loaded.marginals([wide, [6]]))
    }

    /// More distinct columns than one GROUPING() call takes: the sets are split over scans.
    @Test func wideTablesAreCountedInSeveralScans() throws {
        let width = 40
        let header = (0..<width).map { "v\($0)" }
        let generator = RandomSource.seeded(3)
        let rows = (0..<300).map { _ in (0..<width).map { _ in String(generator.nextUInt64() % 3) as String? } }
        let url = try TestPostgres.table(columns: header.map { ($0, "int2") }, rows: rows)
        let schema = try SchemaLoader.parse(
            "name: wide\ncolumns:\n" + header.map { "  - {name: \($0), kind: coded, levels: 3}\n" }.joined())
        let counted = try DataSource(url, key: "--data").table(schema: schema, countsOnly: true)
        let loaded = try DataSource(url, key: "--data").load(schema: schema)
        let sets = loaded.columnSets(size: 2)
        #expect(try counted.marginals(sets) == loaded.marginals(sets))
    }

    /// `method` fitted on `table` with fixed seeds, as the rows it then draws.
    static func fit(_ method: MarginalMethod, _ table: any PrivateTable) throws -> [[UInt16]] {
        let ledger = try BudgetLedger(path: CommandRunner.temporaryDirectory().appendingPathComponent("l").path)
        try ledger.initialise(dataset: "mixed", epsilon: 2, delta: 1e-8)
        let model = try fitMarginal(
            method, data: table, epsilon: 1, delta: 1e-9, ledger: ledger, dataset: "mixed", source: .seeded(8),
            iterations: 50)
        return model.sample(rows: 200, source: .seeded(9)).codes
    }

    /// MST, AIM and independent marginals fitted on a database table never ask it for rows: the
    /// counts are all that leaves the database (the same seed gives the same model as from CSV).
    @Test(arguments: MarginalMethod.allCases)
    func marginalMethodsFetchNoRow(method: MarginalMethod) throws {
        let schema = try SchemaLoader.parse(PostgresTableTests.schema)
        let url = try Self.table(Self.randomRows(800, seed: 21))
        let counts = try #require(
            try DataSource(url, key: "--data").table(schema: schema, countsOnly: true) as? PostgresCounts)
        let rows = try DataSource(url, key: "--data").load(schema: schema)
        #expect(try Self.fit(method, counts) == Self.fit(method, rows))
        #expect(counts.rowRequests == 0)
    }

    /// The same for a table sharded over the two test servers: every shard counts its own rows
    /// and no shard is asked for a row (the fit equals the one on the whole table's rows).
    @Test(.enabled(if: TestPostgres.servers.count >= 2), arguments: MarginalMethod.allCases)
    func marginalMethodsFetchNoRowFromShards(method: MarginalMethod) throws {
        let schema = try SchemaLoader.parse(PostgresTableTests.schema)
        let rows = Self.randomRows(900, seed: 27)
        let shards = [try Self.table(Array(rows[..<400]), server: 0), try Self.table(Array(rows[400...]), server: 1)]
        let sharded = try #require(
            try DataSource(shards, key: "--data").table(schema: schema, countsOnly: true) as? PartitionedTable)
        let whole = try DataSource(try Self.table(rows), key: "--data").load(schema: schema)
        #expect(try Self.fit(method, sharded) == Self.fit(method, whole))
        #expect(sharded.rowRequests == 0)
        // The counter counts: rows asked for are the shards' rows, one after the other.
        #expect(try sharded.rows().codes == whole.codes)
        #expect(sharded.rowRequests == 1)
    }

    /// A table counted in parts by parallel sessions (page ranges in one shared snapshot) gives
    /// the whole table's counts and rows, also with more parts than the table has pages.
    @Test(arguments: [2, 3, 40]) func aTableCountedInPartsAddsUpToTheWhole(parts: Int) throws {
        let schema = try SchemaLoader.parse(PostgresTableTests.schema)
        let url = try Self.table(Self.randomRows(1500, seed: 13))
        let table = PostgresTable(location: try PostgresLocation(url, key: "--data"), schema: schema)
        let counted = try PostgresCounts.open(table, parts: parts)
        #expect(!(counted is PostgresCounts))
        let loaded = try DataSource(url, key: "--data").load(schema: schema)
        let sets = Self.sets(loaded)
        #expect(try counted.marginals(sets) == loaded.marginals(sets))
        // The sums are kept once, by the whole table; the parts keep nothing between calls.
        let partitioned = try #require(counted as? PartitionedTable)
        #expect(partitioned.parts.allSatisfy { $0.counted.toCount([[0, 1]]) == [[0, 1]] })
        #expect(try counted.marginals([[1, 0], [2]]) == loaded.marginals([[1, 0], [2]]))
        #expect(try counted.rows().codes == loaded.codes)
        // Forgotten when a fit ends: the next request counts again.
        #expect(partitioned.counted.toCount([[0, 1]]).isEmpty)
        counted.forgetCounts()
        #expect(partitioned.counted.toCount([[0, 1]]) == [[0, 1]])
        #expect(try counted.marginals(sets) == loaded.marginals(sets))
    }

    /// The server keeps one row per distinct row of codes with its count, so the counting scans
    /// read 12 rows here instead of 3,000, and the counts are the rows' own.
    @Test func countingReadsOneRowPerDistinctRowOfCodes() throws {
        let generator = RandomSource.seeded(17)
        let rows: [[String?]] = (0..<3000).map { _ in
            [3, 2, 2].map { levels in String(generator.nextUInt64() % levels) }
        }
        let url = try TestPostgres.table(columns: [("a", "int2"), ("b", "text"), ("c", "int8")], rows: rows)
        let schema = try SchemaLoader.parse(
            "name: s\ncolumns:\n  - {name: a, kind: coded, levels: 3}\n  - {name: b, kind: coded, levels: 2}\n"
                + "  - {name: c, kind: coded, levels: 2}\n")
        let counted = try PostgresCounts(
            PostgresTable(location: try PostgresLocation(url, key: "--data"), schema: schema))
        #expect(try counted.rowsRead() == 12)
        #expect(counted.rowCount == 3000)
        let loaded = try DataSource(url, key: "--data").load(schema: schema)
        let sets = loaded.columnSets(size: 1) + loaded.columnSets(size: 2) + [[0, 1, 2], [2, 0]]
        #expect(try counted.marginals(sets) == loaded.marginals(sets))
    }

    /// A refused value is found by the validation scan when the table is opened for counting.
    @Test func aRefusedValueIsFoundBeforeAnyCount() throws {
        let planted = "Zq7-PLANTED-42"
        let url = try TestPostgres.table(columns: [("job", "text")], rows: [["a"], [planted]])
        let schema = try SchemaLoader.parse("name: s\ncolumns:\n  - {name: job, kind: categorical, categories: [a]}\n")
        do {
            _ = try DataSource(url, key: "--data").table(schema: schema, countsOnly: true)
            Issue.record("a refused value was not found")
        } catch let error as DataError {
            #expect(error.description.contains("'job'") && !error.description.contains(planted), "\(error)")
        }
    }

    /// No table at all is a clear error, not a trap.
    /// A shard with no rows (a region with none yet) adds nothing; shards that all have none are
    /// refused.
    @Test func anEmptyShardAddsNothing() throws {
        let schema = try SchemaLoader.parse(PostgresTableTests.schema)
        let rows = Self.randomRows(300, seed: 8)
        let full = try Self.table(rows)
        let empty = try Self.table([])
        let sharded = try DataSource([full, empty], key: "--data").table(schema: schema, countsOnly: true)
        let loaded = try DataSource(full, key: "--data").load(schema: schema)
        #expect(try sharded.marginals([[0, 1]]) == loaded.marginals([[0, 1]]))
        let other = try Self.table([])
        #expect(throws: DataError.self) {
            try DataSource([empty, other], key: "--data").table(schema: schema, countsOnly: true)
        }
        #expect(throws: DataError.self) { try DataSource(empty, key: "--data").table(schema: schema, countsOnly: true) }
    }

    /// Columns of one code each cost a block nothing, so one block may hold more columns than
    /// PostgreSQL's GROUPING() takes (31): its sets are counted in several statements.
    @Test func aBlockOfManyColumnsIsCountedInStatementsOfAtMost31() throws {
        let names = (0..<40).map { "k\($0)" }
        let schema = try SchemaLoader.parse(
            "name: wide\ncolumns:\n"
                + names.map { "  - {name: \($0), kind: coded, levels: 1, missing: error}\n" }.joined())
        let url = try TestPostgres.table(
            columns: names.map { ($0, "int4") }, rows: Array(repeating: names.map { _ in "0" }, count: 5))
        let pairs = (0..<40).flatMap { a in (a + 1..<40).map { [a, $0] } }
        #expect(CountPlan(sets: pairs, domain: Array(repeating: 1, count: 40)).blocks.count == 1)
        let counts = try PostgresCounts(PostgresTable(location: PostgresLocation(url, key: "--data"), schema: schema))
        #expect(try counts.marginals(pairs).allSatisfy { $0.total == 5 })
    }

    @Test func noShardsIsAnError() {
        #expect(throws: DataError.self) { try PostgresCounts.open(shards: []) }
    }

    /// Two servers each holding part of the rows: the counts add up to the whole table's, and
    /// the sums are kept once, not once more by every shard.
    @Test(.enabled(if: TestPostgres.servers.count >= 2)) func shardsOnTwoServersAddUpToTheWhole() throws {
        let schema = try SchemaLoader.parse(PostgresTableTests.schema)
        let rows = Self.randomRows(1200, seed: 5)
        let first = try Self.table(Array(rows[..<500]), server: 0)
        let second = try Self.table(Array(rows[500...]), server: 1)
        let whole = try Self.table(rows, server: 0)
        let sharded = try DataSource([first, second], key: "--data").table(schema: schema, countsOnly: true)
        let loaded = try DataSource(whole, key: "--data").load(schema: schema)
        let sets = Self.sets(loaded)
        #expect(try sharded.marginals(sets) == loaded.marginals(sets))
        let partitioned = try #require(sharded as? PartitionedTable)
        #expect(partitioned.parts.count == 2)
        #expect(partitioned.parts.allSatisfy { $0.counted.toCount([[0, 1]]) == [[0, 1]] })
        #expect(partitioned.counted.toCount([[0, 1]]).isEmpty)
        #expect(try sharded.rows().marginals(sets) == loaded.marginals(sets))
        #expect(throws: DataError.self) { try DataSource([first, first], key: "--data") }
    }
}
