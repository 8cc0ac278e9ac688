import DPData
import DPLedger
import Foundation

/// A digest of a table's rows as its schema encodes them, taken as a multiset: the rows a
/// generator sees. Spellings its columns read alike (`0` and `00` in a coded column, `NA` and `?`
/// where both mean missing), identifier columns (dropped on reading), the columns' names, what
/// the schema declares beyond the codes it gives (an unused category or level), the order of the
/// rows and of the columns, and where the rows are kept (a file, a PostgreSQL table, shards) do
/// not alter it: a copy read through another schema that codes every value alike is the same
/// data. Rows coded otherwise (other bins, categories in another order) have another digest.
///
/// Every hash is PostgreSQL's `hashint4extended` (`PostgresHash`), so a database computes the
/// same digest where the rows live (`PostgresCounts.encodedRowsDigest`). Columns are taken in the
/// order of a digest of each column's codes (two sums of the codes' hashes under two seeds, over
/// the rows); within a row, the codes of columns whose multisets digest alike are taken in
/// increasing order, which no renaming or reordering of those columns changes. Each row's codes
/// are chained twice (each code hashed with the previous hash as its seed, from two seeds) and
/// each chain's end summed modulo 2^64, sums no order of the rows or split into parts changes; the
/// digest is the BLAKE2b of the number of columns that share each column digest, the number of
/// rows and the two sums. A collision makes other data count as this data (refused a budget of
/// its own), never the reverse.
enum EncodedRowsDigest {
    /// The seeds of the two column sums and of the two row chains.
    static let columnSeeds: (UInt64, UInt64) = (0x4528_21E6_38D0_1377, 0x0BE5_466C_F34E_90C6)
    static let rowSeeds: (UInt64, UInt64) = (0x243F_6A88_85A3_08D3, 0x1319_8A2E_0370_7344)

    /// The digest of one table's rows.
    static func of(_ table: EncodedDataset) -> String { of(parts: [table]) }

    /// The digest of the rows `parts` hold together (a table's shards, in any order).
    static func of(parts: [EncodedDataset]) -> String {
        let width = parts.first?.codes.count ?? 0
        var keys = [Pair](repeating: Pair(), count: width)
        for part in parts {
            for column in 0..<width {
                // A column's sums over its rows are its codes' hashes weighted by their counts.
                var counts = [UInt64](repeating: 0, count: part.columns[column].domainSize)
                for code in part.codes[column] {
                    if Int(code) >= counts.count {
                        counts += [UInt64](repeating: 0, count: Int(code) + 1 - counts.count)
                    }
                    counts[Int(code)] &+= 1
                }
                keys[column].add(columnKey(counts: counts))
            }
        }
        let order = ColumnOrder(keys: keys)
        var sums = Pair()
        var rows = 0
        for part in parts {
            rows += part.rowCount
            part.codes.withUnsafeBufferPointer { codes in
                for row in 0..<part.rowCount {
                    sums.add(order.chains { UInt32(codes[$0][row]) })
                }
            }
        }
        return digest(order: order, rows: rows, sums: sums)
    }

    /// A column's sums given how many rows hold each code (`counts[code]`).
    static func columnKey<Count: BinaryInteger>(counts: [Count]) -> Pair {
        var key = Pair()
        for (code, count) in counts.enumerated() where count > 0 {
            key.add(Pair(column: UInt32(code)), times: UInt64(count))
        }
        return key
    }

    /// The digest text's hash: what identifies the rows.
    static func digest(order: ColumnOrder, rows: Int, sums: Pair) -> String {
        let sizes = order.groups.map { String($0.count) }.joined(separator: ",")
        let text = "dpsynth encoded rows 4\n\(sizes)\n\(rows) \(sums.first) \(sums.second)"
        return Blake2b.hex(Data(text.utf8))
    }

    /// Two 64-bit sums, modulo 2^64, ordered as a pair.
    struct Pair: Hashable, Comparable {
        var first: UInt64 = 0
        var second: UInt64 = 0

        init(first: UInt64 = 0, second: UInt64 = 0) {
            self.first = first
            self.second = second
        }

        /// A code's two hashes under the column seeds.
        init(column code: UInt32) {
            first = PostgresHash.int4(code, seed: EncodedRowsDigest.columnSeeds.0)
            second = PostgresHash.int4(code, seed: EncodedRowsDigest.columnSeeds.1)
        }

        /// Sums as a database prints them (decimal, signed, of any size), modulo 2^64.
        init?(decimal first: String, _ second: String) {
            guard let a = Self.wrapping(first), let b = Self.wrapping(second) else { return nil }
            self.init(first: a, second: b)
        }

        mutating func add(_ other: Pair, times count: UInt64 = 1) {
            first &+= other.first &* count
            second &+= other.second &* count
        }

        static func < (a: Pair, b: Pair) -> Bool { (a.first, a.second) < (b.first, b.second) }

        /// A decimal integer modulo 2^64.
        static func wrapping(_ text: String) -> UInt64? {
            let negative = text.hasPrefix("-")
            let digits = negative ? text.dropFirst() : Substring(text)
            guard !digits.isEmpty else { return nil }
            var value: UInt64 = 0
            for byte in digits.utf8 {
                guard (48...57).contains(byte) else { return nil }
                value = value &* 10 &+ UInt64(byte - 48)
            }
            return negative ? 0 &- value : value
        }
    }

    /// The columns in the order the chains take them: grouped by their sums, the groups in the
    /// order of those sums; within a group of several, a row's codes are taken sorted.
    struct ColumnOrder {
        let groups: [[Int]]

        init(keys: [Pair]) {
            groups = Dictionary(grouping: keys.indices, by: { keys[$0] }).sorted { $0.key < $1.key }.map(\.value)
        }

        /// The ends of one row's two chains, given its code in each column.
        func chains(_ code: (Int) -> UInt32) -> Pair {
            var chain = Pair(first: EncodedRowsDigest.rowSeeds.0, second: EncodedRowsDigest.rowSeeds.1)
            func take(_ code: UInt32) {
                chain.first = PostgresHash.int4(code, seed: chain.first)
                chain.second = PostgresHash.int4(code, seed: chain.second)
            }
            for group in groups {
                if group.count == 1 {
                    take(code(group[0]))
                } else {
                    for shared in group.map(code).sorted() { take(shared) }
                }
            }
            return chain
        }
    }
}
