import DPData
import DPLedger
import Foundation

/// A digest of a table's rows as its schema encodes them, taken as a multiset: the rows a
/// generator sees. Spellings its columns read alike (`0` and `00` in a coded column, `NA` and `?`
/// where both mean missing), identifier columns (dropped on reading), the columns' names and the
/// order of the rows and of the columns do not alter it, so a copy with its columns renamed in
/// the file and the schema is the same data. It is keyed by each column's definition without its
/// name (as `SchemaWriter` writes it), so rows coded alike under another schema have another
/// digest.
///
/// Columns are taken in the order of their definitions; within a row, the codes of columns that
/// share one definition are taken in increasing order, which no renaming or reordering of those
/// columns changes. Each row's codes are hashed twice (two 64-bit mixes with different seeds) and
/// each hash summed modulo 2^64, sums no order of the rows changes; the digest is the BLAKE2b of
/// the definitions, the number of rows and the two sums. A collision makes other data count as
/// this data (refused a budget of its own), never the reverse.
enum EncodedRowsDigest {
    static func of(_ table: EncodedDataset) -> String {
        let definitions = table.columns.map(definition)
        // Columns grouped by definition, the groups in the definitions' byte order.
        let groups = Dictionary(grouping: definitions.indices, by: { definitions[$0] })
            .sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
        var sums: (UInt64, UInt64) = (0, 0)
        var shared: [UInt64] = []
        table.codes.withUnsafeBufferPointer { codes in
            for row in 0..<table.rowCount {
                var first: UInt64 = 0x243F_6A88_85A3_08D3
                var second: UInt64 = 0x1319_8A2E_0370_7344
                func take(_ code: UInt64) {
                    first = mix(first ^ code)
                    second = mix(second &+ code &* 0x9E37_79B9_7F4A_7C15)
                }
                for (_, columns) in groups {
                    if columns.count == 1 {
                        take(UInt64(codes[columns[0]][row]))
                        continue
                    }
                    shared.removeAll(keepingCapacity: true)
                    for column in columns { shared.append(UInt64(codes[column][row])) }
                    shared.sort()
                    for code in shared { take(code) }
                }
                sums = (sums.0 &+ mix(first), sums.1 &+ mix(second))
            }
        }
        var text = "dpsynth encoded rows 2\n"
        for (definition, columns) in groups {
            text += "\(columns.count)x\(definition.utf8.count):\(definition)"
        }
        text += "\(table.rowCount) \(sums.0) \(sums.1)"
        return Blake2b.hex(Data(text.utf8))
    }

    /// What `column` is, as a schema declares it, without its name.
    static func definition(_ column: Column) -> String {
        var nameless = column
        nameless.name = "column"
        return SchemaWriter.yaml(Schema(name: "column", columns: [nameless]))
    }

    @inline(__always)
    static func mix(_ value: UInt64) -> UInt64 { SplitMix.finalise(value &+ 0x9E37_79B9_7F4A_7C15) }
}
