import DPData
import Dispatch
import Foundation

/// A range of a table's pages, read in one snapshot that every part shares: the parts of one
/// table hold each row exactly once, even while other sessions write to it.
struct TablePart: Sendable {
    let firstPage: Int
    /// The first page after the part; nil for the last part, which runs to the table's end.
    let endPage: Int?
    /// The exported snapshot (`pg_export_snapshot()`) the part's codes are read in.
    let snapshot: String

    /// `count` parts covering pages 0..<`pages` and everything after.
    static func split(pages: Int, into count: Int, snapshot: String) -> [TablePart] {
        (0..<count).map { index in
            TablePart(
                firstPage: pages * index / count, endPage: index == count - 1 ? nil : pages * (index + 1) / count,
                snapshot: snapshot)
        }
    }

    /// A snapshot identifier as PostgreSQL writes it (hexadecimal groups and dashes), checked
    /// because `SET TRANSACTION SNAPSHOT` takes no parameter.
    static func isSnapshotIdentifier(_ text: String) -> Bool {
        !text.isEmpty && text.allSatisfy { $0.isHexDigit || $0 == "-" }
    }
}

extension PostgresCounts {
    /// The fewest pages (8 kB each by default) worth a part of their own.
    static let pagesPerPart = 256

    /// `table` opened for counting: a large table is split into page ranges counted by parallel
    /// sessions (as many as the server lets one query use parallel workers,
    /// `max_parallel_workers_per_gather`, at most 8, or `parts`), whose counts are added; a small
    /// table, a view or a server that refuses the parts' temporary tables is one `PostgresCounts`.
    ///
    /// Privacy: every row is in exactly one part (one shared snapshot, page ranges that cover the
    /// table), so the added counts are the table's exact counts, as from one session.
    public static func open(_ table: PostgresTable, parts requested: Int? = nil) throws -> any PrivateTable {
        let sessions = try sessions(counting: table, parts: requested, keepsCounts: true)
        guard sessions.contains(where: { $0.rowCount > 0 }) else { throw PostgresCounts.noRows(table) }
        return sessions.count == 1 ? sessions[0] : try PartitionedTable(wholes: [table], parts: sessions)
    }

    /// Tables that together hold one table's rows (shards, for example one per server) opened for
    /// counting as one: every shard's sessions (`open`) are asked in parallel, their counts are
    /// added and the sums are kept once, not once per shard.
    ///
    /// Privacy: every row is in exactly one shard and one part of it, so the added counts are
    /// the whole table's exact counts.
    public static func open(shards: [PostgresTable]) throws -> any PrivateTable {
        guard shards.count > 1 else {
            guard let table = shards.first else {
                throw DataError(file: "shards", problem: "no tables", hint: "Give at least one table.")
            }
            return try open(table)
        }
        let results = ResultSlots<[PostgresCounts]>(count: shards.count)
        DispatchQueue.concurrentPerform(iterations: shards.count) { index in
            results.set(index, Result { try sessions(counting: shards[index], parts: nil, keepsCounts: false) })
        }
        // A shard may be empty (a region with no rows yet); the table may not.
        let counts = try results.values().flatMap { $0 }
        guard counts.contains(where: { $0.rowCount > 0 }) else {
            throw DataError(
                file: shards[0].location.text, problem: "no shard holds a row", hint: "Give tables with data.")
        }
        return try PartitionedTable(wholes: shards, parts: counts)
    }

    /// The sessions that count `table` (`open`); one session alone keeps its counts between
    /// calls when `keepsCounts` says so, parts never do.
    static func sessions(counting table: PostgresTable, parts requested: Int?, keepsCounts: Bool) throws
        -> [PostgresCounts]
    {
        func whole() throws -> [PostgresCounts] { [try PostgresCounts(table, keepsCounts: keepsCounts)] }
        // The table's columns are checked by the session(s) that count it; a missing table has
        // no size here and is reported by that check.
        let leader = try table.connect()
        let sizes = try leader.execute(
            """
            SELECT coalesce(pg_relation_size(to_regclass($1)), 0) / current_setting('block_size')::int8, \
            current_setting('max_parallel_workers_per_gather')::int8
            """, [table.location.qualifiedName], what: "reading the table's size")
        let pages = sizes.rows.first?[0].flatMap { Int($0) } ?? 0
        let workers = sizes.rows.first?[1].flatMap { Int($0) } ?? 0
        let count = requested ?? min(8, workers, pages / pagesPerPart)
        guard count > 1 else { return try whole() }

        try leader.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", what: "sharing a snapshot")
        defer { _ = try? leader.execute("COMMIT", what: "sharing a snapshot") }
        // A statement on the table holds its ACCESS SHARE lock until the leader commits, after
        // every part has read: no rewrite (VACUUM FULL, CLUSTER, TRUNCATE, a rewriting ALTER TABLE)
        // moves rows between the parts' page ranges or empties them meanwhile. It names one of the
        // schema's columns, so that SELECT on those columns alone is enough.
        if let column = table.encoded.first {
            try leader.execute(
                "SELECT \(SQLText.identifier(column.name)) FROM \(table.location.qualifiedName) LIMIT 0",
                what: "sharing a snapshot")
        }
        guard
            let snapshot = try leader.execute("SELECT pg_export_snapshot()", what: "sharing a snapshot").rows
                .first?[0], TablePart.isSnapshotIdentifier(snapshot)
        else { return try whole() }
        let results = ResultSlots<PostgresCounts>(count: count)
        let ranges = TablePart.split(pages: pages, into: count, snapshot: snapshot)
        DispatchQueue.concurrentPerform(iterations: count) { index in
            var part = table
            part.part = ranges[index]
            results.set(index, Result { try PostgresCounts(part, keepsCounts: false) })
        }
        let counts = try results.values()
        guard counts.allSatisfy(\.materialized) else { return try whole() }
        return counts
    }
}

/// One table counted in parts (page ranges of one table, and the shards of a table split over
/// servers): marginals are the parts' counts added, asked for a few blocks' worth of sets at a
/// time (`CountPlan`, `PivotPlan`) and kept once here, so that memory holds the sums and one request's
/// tables per part, however many parts there are; rows, when a method needs them, are read
/// from each whole table (shard) in one pass.
///
/// Privacy: every row is in exactly one part, so the sums are the table's exact counts.
final class PartitionedTable: PrivateTable, @unchecked Sendable {
    /// The tables the parts cover: one, or the shards in order.
    let wholes: [PostgresTable]
    let parts: [PostgresCounts]
    /// The parts, asked in parallel and their counts added.
    private let added: ShardedTable
    var counted = CountCache()
    private let lock = NSLock()
    /// The most cells one request asks every part for, unless one block's or grouping key's sets
    /// hold more.
    static let cellsPerRequest = 1 << 22

    init(wholes: [PostgresTable], parts: [PostgresCounts]) throws {
        self.wholes = wholes
        self.parts = parts
        added = try ShardedTable(parts: parts)
    }

    var schema: Schema { parts[0].schema }
    var columns: [Column] { parts[0].columns }
    var domain: [Int] { parts[0].domain }

    func marginals(_ attributeSets: [[Int]]) throws -> [ContingencyTable] {
        lock.lock()
        defer { lock.unlock() }
        let needed = counted.toCount(attributeSets)
        for request in Self.requests(needed, domain: domain) {
            counted.store(request, try added.marginals(request))
        }
        return counted.answers(attributeSets)
    }

    /// `sets` in requests of at most `cellsPerRequest` cells, following the plan's blocks and
    /// grouping keys so that a part counts each request with the scans it would have used for
    /// all the sets.
    static func requests(_ sets: [[Int]], domain: [Int]) -> [[[Int]]] {
        let plan = CountPlan(sets: sets, domain: domain)
        // A statement's keys in order, each whole: a request cut between two keys costs a part
        // no scan more, since the keys of one statement share their pivots.
        let keys = PivotPlan(sets: plan.direct.map { sets[$0] }, domain: domain).statements.flatMap(\.keys)
        let groups = plan.blocks.map(\.sets) + keys.map { $0.answers.map { plan.direct[$0.set] } }
        var requests: [[[Int]]] = []
        var request: [[Int]] = []
        var cells = 0
        for group in groups {
            let size = group.reduce(0) { $0 + sets[$1].reduce(1) { $0 * domain[$1] } }
            if !request.isEmpty && cells + size > cellsPerRequest {
                requests.append(request)
                (request, cells) = ([], 0)
            }
            request += group.map { sets[$0] }
            cells += size
        }
        if !request.isEmpty { requests.append(request) }
        return requests
    }

    /// How many times a caller asked for the rows: a marginal method never does (tests check it).
    private(set) var rowRequests = 0

    func rows() throws -> EncodedDataset {
        lock.lock()
        rowRequests += 1
        lock.unlock()
        return wholes.count == 1
            ? try wholes[0].load() : try ShardedTable(parts: wholes.map { try $0.load() }).rows()
    }

    func forgetCounts() {
        lock.lock()
        defer { lock.unlock() }
        counted.removeAll()
    }
}
