import DPData
import DPLedger
import Foundation

/// A digest of a table's rows as its schema encodes them, taken as a multiset: the rows a
/// generator sees. Spellings its columns read alike (`0` and `00` in a coded column, `NA` and `?`
/// where both mean missing), identifier columns (dropped on reading), the columns' names, what
/// the schema declares beyond the codes it gives (an unused category or level) and the order of
/// the rows and of the columns do not alter it: a copy read through another schema that codes
/// every value alike is the same data. Rows coded otherwise (other bins, categories in another
/// order) have another digest.
///
/// Columns are taken in the order of a digest of each column's codes (their multiset); within a
/// row, the codes of columns whose multisets digest alike are taken in increasing order, which no
/// renaming or reordering of those columns changes. Each row's codes are hashed twice (two 64-bit
/// mixes with different seeds) and each hash summed modulo 2^64, sums no order of the rows
/// changes; the digest is the BLAKE2b of the number of columns that share each column digest, the
/// number of rows and the two sums. A collision makes other data count as this data (refused a
/// budget of its own), never the reverse.
enum EncodedRowsDigest {
    static func of(_ table: EncodedDataset) -> String {
        let columns = table.codes.indices
        var keys = [(UInt64, UInt64)](repeating: (0, 0), count: table.codes.count)
        table.codes.withUnsafeBufferPointer { codes in
            for column in columns {
                for code in codes[column] {
                    keys[column].0 &+= SplitMix.mix(UInt64(code) ^ 0x4528_21E6_38D0_1377)
                    keys[column].1 &+= SplitMix.mix(UInt64(code) &* 0xBE54_66CF_34E9_0C6C &+ 1)
                }
            }
        }
        // Columns grouped by the digest of their codes, the groups in that digest's order.
        let groups = Dictionary(grouping: columns, by: { Key(keys[$0]) }).sorted { $0.key < $1.key }.map(\.value)
        var sums: (UInt64, UInt64) = (0, 0)
        var shared: [UInt64] = []
        table.codes.withUnsafeBufferPointer { codes in
            for row in 0..<table.rowCount {
                var first: UInt64 = 0x243F_6A88_85A3_08D3
                var second: UInt64 = 0x1319_8A2E_0370_7344
                func take(_ code: UInt64) {
                    first = SplitMix.mix(first ^ code)
                    second = SplitMix.mix(second &+ code &* 0x9E37_79B9_7F4A_7C15)
                }
                for group in groups {
                    if group.count == 1 {
                        take(UInt64(codes[group[0]][row]))
                        continue
                    }
                    shared.removeAll(keepingCapacity: true)
                    for column in group { shared.append(UInt64(codes[column][row])) }
                    shared.sort()
                    for code in shared { take(code) }
                }
                sums = (sums.0 &+ SplitMix.mix(first), sums.1 &+ SplitMix.mix(second))
            }
        }
        let sizes = groups.map { String($0.count) }.joined(separator: ",")
        let text = "dpsynth encoded rows 3\n\(sizes)\n\(table.rowCount) \(sums.0) \(sums.1)"
        return Blake2b.hex(Data(text.utf8))
    }

    /// A column's digest of its codes, ordered as a pair.
    struct Key: Hashable, Comparable {
        let first: UInt64
        let second: UInt64
        init(_ pair: (UInt64, UInt64)) { (first, second) = pair }
        static func < (a: Key, b: Key) -> Bool { (a.first, a.second) < (b.first, b.second) }
    }
}
