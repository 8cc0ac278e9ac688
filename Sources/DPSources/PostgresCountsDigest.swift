import DPData
import Dispatch

extension PostgresCounts {
    /// The digest of the encoded rows that `sessions` count together (a table's parts, or its
    /// shards' parts), computed by the database where the rows live: the same digest
    /// `EncodedRowsDigest.of` takes over the same codes in this process, so a table and a file
    /// holding the same rows, read through schemas that code them alike, are the same data. Two
    /// scans of each session's codes: the one-way marginals, from which the column sums follow,
    /// then (in the order those give) the row chains' sums. Only counts and sums leave the
    /// database.
    ///
    /// Privacy: the digest is of private rows and is written only to the ledger, as a file's is.
    static func encodedRowsDigest(_ sessions: [PostgresCounts]) throws -> String {
        guard let width = sessions.first?.columns.count else {
            throw DataError(
                file: "dpsynth", problem: "a table was digested without its sessions", hint: "Report this as a bug.")
        }
        var keys = [EncodedRowsDigest.Pair](repeating: .init(), count: width)
        for sums in try parallel(sessions, { try $0.columnSums() }) {
            for column in 0..<width { keys[column].add(sums[column]) }
        }
        let order = EncodedRowsDigest.ColumnOrder(keys: keys)
        var sums = EncodedRowsDigest.Pair()
        for part in try parallel(sessions, { try $0.rowSums(order) }) { sums.add(part) }
        return EncodedRowsDigest.digest(order: order, rows: sessions.reduce(0) { $0 + $1.rowCount }, sums: sums)
    }

    /// The sessions that count `table`, a table opened by `open`.
    static func sessions(of table: any PrivateTable) -> [PostgresCounts] {
        if let partitioned = table as? PartitionedTable { return partitioned.parts }
        return (table as? PostgresCounts).map { [$0] } ?? []
    }

    private static func parallel<Value>(
        _ sessions: [PostgresCounts], _ body: @escaping @Sendable (PostgresCounts) throws -> Value
    ) throws -> [Value] {
        let results = ResultSlots<Value>(count: sessions.count)
        DispatchQueue.concurrentPerform(iterations: sessions.count) { index in
            results.set(index, Result { try body(sessions[index]) })
        }
        return try results.values()
    }

    /// Each column's two sums of its codes' hashes over this session's rows, from the column's
    /// counts (its one-way marginal, counted as any marginal is).
    func columnSums() throws -> [EncodedRowsDigest.Pair] {
        try marginals(columns.indices.map { [$0] }).map { EncodedRowsDigest.columnKey(counts: $0.counts) }
    }

    /// The sums of the ends of this session's rows' two chains, taken in `order`.
    func rowSums(_ order: EncodedRowsDigest.ColumnOrder) throws -> EncodedRowsDigest.Pair {
        // A group of columns whose sums are alike gives its codes sorted, from an array per row.
        var codesInOrder: [String] = []
        var sortedGroups: [String] = []
        for group in order.groups {
            guard group.count > 1 else {
                codesInOrder.append("c\(group[0])::int4")
                continue
            }
            let name = "g\(sortedGroups.count)"
            let list = group.map { "c\($0)::int4" }.joined(separator: ", ")
            sortedGroups.append(
                "LATERAL (SELECT array_agg(v ORDER BY v) AS s FROM unnest(ARRAY[\(list)]) AS v) AS \(name)")
            codesInOrder += (1...group.count).map { "\(name).s[\($0)]" }
        }
        let seeds = EncodedRowsDigest.rowSeeds
        let chains = [seeds.0, seeds.1].map { seed in
            codesInOrder.reduce("\(Int64(bitPattern: seed))::int8") { "hashint4extended(\($1), \($0))" }
        }
        // Each end is summed as its high and low 32 bits, each weighed by the row's count within
        // 8-byte integers (`n` < 2^31), which PostgreSQL adds exactly and quicker than numerics.
        // The chains are computed once per row, in a subquery `OFFSET 0` keeps from being merged
        // into the sums (which would compute each twice).
        let weight = materialized ? " * n" : ""
        let sums = ["h0", "h1"].flatMap { end in
            ["sum((\(end) >> 32)\(weight))", "sum((\(end) & 4294967295)\(weight))"]
        }
        let from = ([codes] + sortedGroups).joined(separator: ", ")
        let ends = "SELECT \(chains[0]) AS h0, \(chains[1]) AS h1\(materialized ? ", n" : "") FROM \(from) OFFSET 0"
        let row = try sumsRow("SELECT " + sums.joined(separator: ", ") + " FROM (\(ends)) AS ends")
        let (first, second) = (try pair(row, at: 0), try pair(row, at: 2))
        return EncodedRowsDigest.Pair(
            first: first.first &<< 32 &+ first.second, second: second.first &<< 32 &+ second.second)
    }

    private func sumsRow(_ statement: String) throws -> [String?] {
        lock.lock()
        defer { lock.unlock() }
        return try connection.execute(statement, codeParameters, what: "digesting the rows").rows.first ?? []
    }

    /// Two sums from a row of them; a session without rows sums to NULL, which is zero.
    private func pair(_ row: [String?], at index: Int) throws -> EncodedRowsDigest.Pair {
        guard index + 1 < row.count,
            let pair = EncodedRowsDigest.Pair(decimal: row[index] ?? "0", row[index + 1] ?? "0")
        else {
            throw DataError(
                file: table.location.text, problem: "the database returned sums dpsynth cannot read",
                hint: "Report this as a bug.")
        }
        return pair
    }
}
