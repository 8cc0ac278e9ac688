import DPData
import DPLedger
import DPRandomness
import DPTestSupport
import Foundation
import Testing

@testable import DPSources

/// The encoded rows' digest is one over where the rows are kept: this process's hash is the
/// server's, and a table, its parts, its shards and a file of its rows digest alike.
struct EncodedRowsDigestTests {
    /// Values PostgreSQL 15 returned for `hashint4extended(value, seed)`.
    @Test func theHashIsPostgreSQLs() {
        let known: [(Int32, Int64, Int64)] = [
            (5, 0, -9_138_765_687_874_534_020), (5, 1, 1_473_811_485_915_220_926),
            (-3, 123_456_789_012, 2_261_765_966_016_591_421), (77, -42, 2_176_710_012_554_444_825),
        ]
        for (value, seed, hash) in known {
            let computed = PostgresHash.int4(UInt32(bitPattern: value), seed: UInt64(bitPattern: seed))
            #expect(Int64(bitPattern: computed) == hash, "hashint4extended(\(value), \(seed))")
        }
    }

    static let schema = """
        name: d
        columns:
          - {name: a, kind: coded, levels: 5}
          - {name: b, kind: coded, levels: 5}
          - {name: c, kind: categorical, categories: [x, y, z]}

        """

    /// Rows whose columns a and b hold the same codes in other rows (one multiset), so a row's
    /// codes of those two are taken sorted.
    static func rows(_ count: Int, seed: UInt64) -> [[UInt16]] {
        let generator = RandomSource.seeded(seed)
        let a = (0..<count).map { _ in UInt16(generator.nextUInt64() % 5) }
        let b = shuffled(a, generator)
        return (0..<count).map { [a[$0], b[$0], UInt16(generator.nextUInt64() % 3)] }
    }

    static func shuffled<Value>(_ values: [Value], _ generator: RandomSource) -> [Value] {
        var values = values
        for index in values.indices.reversed() { values.swapAt(index, Int(generator.nextUInt64() % UInt64(index + 1))) }
        return values
    }

    static func table(_ rows: [[UInt16]], columns order: [Int] = [0, 1, 2]) throws -> EncodedDataset {
        let schema = try SchemaLoader.parse(Self.schema)
        let codes = order.map { column in rows.map { $0[column] } }
        if order == [0, 1, 2] { return EncodedDataset(schema: schema, codes: codes) }
        let reordered = try SchemaLoader.parse(
            "name: d\ncolumns:\n"
                + order.map { "  - " + Self.schema.split(separator: "\n")[2 + $0].dropFirst(4) }.joined(separator: "\n")
                + "\n")
        return EncodedDataset(schema: reordered, codes: codes)
    }

    /// The order of the rows and of the columns, and a split into parts, leave the digest as it
    /// is; a row changed, or two columns' codes swapped in one row, change it.
    @Test func theDigestIsOfTheRowsAsAMultiset() throws {
        var rows = Self.rows(300, seed: 4)
        let digest = EncodedRowsDigest.of(try Self.table(rows))
        let shuffled = Self.shuffled(rows, RandomSource.seeded(5))
        #expect(EncodedRowsDigest.of(try Self.table(shuffled, columns: [2, 0, 1])) == digest)
        let parts = [try Self.table(Array(shuffled[..<100])), try Self.table(Array(shuffled[100...]))]
        #expect(EncodedRowsDigest.of(parts: parts) == digest)
        // Columns a and b share one multiset, so their codes are taken sorted within a row; a
        // row whose a and b are swapped gives the two columns other multisets.
        let row = try #require(rows.firstIndex { $0[0] != $0[1] })
        let swapped = rows.indices.map { $0 == row ? [rows[$0][1], rows[$0][0], rows[$0][2]] : rows[$0] }
        #expect(EncodedRowsDigest.of(try Self.table(swapped)) != digest)
        rows[7][2] = (rows[7][2] + 1) % 3
        #expect(EncodedRowsDigest.of(try Self.table(rows)) != digest)
    }

    /// Decimal sums as a database prints them are read modulo 2^64.
    @Test func sumsAreReadModulo2To64() {
        #expect(EncodedRowsDigest.Pair.wrapping("18446744073709551617") == 1)
        #expect(EncodedRowsDigest.Pair.wrapping("-1") == UInt64.max)
        #expect(EncodedRowsDigest.Pair.wrapping("12a") == nil && EncodedRowsDigest.Pair.wrapping("-") == nil)
    }
}

/// The same on a server: the database digests a table where it lives as this process digests
/// the rows of a file.
@Suite(.enabled(if: TestPostgres.available, Comment(rawValue: TestPostgres.skipMessage)))
struct EncodedRowsDigestOnServerTests {
    @Test func theServerHashesAsThisProcessDoes() throws {
        let connection = try PostgresConnection(url: TestPostgres.servers[0], label: "test")
        let generator = RandomSource.seeded(21)
        let pairs = (0..<200).map { _ in
            (Int32(truncatingIfNeeded: generator.nextUInt64()), Int64(bitPattern: generator.nextUInt64()))
        }
        let values = pairs.map { "(\($0.0)::int4, \($0.1)::int8)" }.joined(separator: ", ")
        let result = try connection.execute(
            "SELECT hashint4extended(v, s) FROM (VALUES \(values)) AS t(v, s)", what: "hashing")
        let computed = pairs.map {
            String(Int64(bitPattern: PostgresHash.int4(UInt32(bitPattern: $0.0), seed: UInt64(bitPattern: $0.1))))
        }
        #expect(result.rows.map { $0[0] ?? "" } == computed)
    }

    /// A table counted where it lives (whole, in parts, or as shards on two servers), the same
    /// table's rows read out, and a CSV file of those rows have one encoded rows' digest.
    @Test func aTableItsPartsItsShardsAndItsFileDigestAlike() throws {
        let schema = try SchemaLoader.parse(EncodedRowsDigestTests.schema)
        let rows = EncodedRowsDigestTests.rows(2000, seed: 8)
        let text = rows.map { ["\($0[0])", "\($0[1])", ["x", "y", "z"][Int($0[2])]] }
        let expected = EncodedRowsDigest.of(try EncodedRowsDigestTests.table(rows))
        let columns = [("a", "int4"), ("b", "text"), ("c", "text")]
        let url = try TestPostgres.table(columns: columns, rows: text.map { $0.map { $0 as String? } })

        func digest(_ source: DataSource, countsOnly: Bool) throws -> String? {
            let identity = try source.identity()
            _ = try source.table(schema: schema, countsOnly: countsOnly, boundTo: identity)
            return identity.digests.encoded
        }
        let source = try DataSource(url, key: "--data")
        #expect(try digest(source, countsOnly: true) == expected)
        #expect(try digest(source, countsOnly: false) == expected)
        let whole = try PostgresCounts.open(
            PostgresTable(location: try PostgresLocation(url, key: "t"), schema: schema))
        #expect(try PostgresCounts.encodedRowsDigest(PostgresCounts.sessions(of: whole)) == expected)
        let parts = try PostgresCounts.open(
            PostgresTable(location: try PostgresLocation(url, key: "t"), schema: schema), parts: 3)
        #expect(PostgresCounts.sessions(of: parts).count == 3)
        #expect(try PostgresCounts.encodedRowsDigest(PostgresCounts.sessions(of: parts)) == expected)

        let folder = try CommandRunner.temporaryDirectory()
        let path = folder.appendingPathComponent("t.csv").path
        try ("c,b,a\n" + text.map { "\($0[2]),\($0[1]),\($0[0])" }.joined(separator: "\n") + "\n")
            .write(toFile: path, atomically: true, encoding: .utf8)
        #expect(try digest(DataSource(path, key: "--data"), countsOnly: true) == expected)

        if TestPostgres.servers.count >= 2 {
            let first = try TestPostgres.table(
                columns: columns, rows: Array(text[..<700]).map { $0.map { $0 as String? } })
            let second = try TestPostgres.table(
                server: 1, columns: columns, rows: Array(text[700...]).map { $0.map { $0 as String? } })
            let shards = try DataSource([first, second], key: "--shard")
            #expect(try digest(shards, countsOnly: true) == expected)
            #expect(try digest(shards, countsOnly: false) == expected)
        }
    }
}
