import DPData
import DPLedger
import Foundation

/// A digest of a table's rows as its schema encodes them, taken as a multiset: the rows a
/// generator sees. Spellings its columns read alike (`0` and `00` in a coded column, `NA` and `?`
/// where both mean missing), identifier columns (dropped on reading) and the order of the rows
/// and of the columns do not alter it. It is keyed by each column's name and definition (as
/// `SchemaWriter` writes it), so rows coded alike under another schema have another digest.
///
/// Each row's codes, in the order of the columns' names, are hashed twice (two 64-bit mixes with
/// different seeds) and each hash summed modulo 2^64, sums no order of the rows changes; the
/// digest is the BLAKE2b of the columns, the number of rows and the two sums. A collision makes
/// other data count as this data (refused a budget of its own), never the reverse.
enum EncodedRowsDigest {
    static func of(_ table: EncodedDataset) -> String {
        let columns = table.columns
        let order = CSVRecordsDigest.order(of: columns.map(\.name))
        var sums: (UInt64, UInt64) = (0, 0)
        table.codes.withUnsafeBufferPointer { codes in
            for row in 0..<table.rowCount {
                var first: UInt64 = 0x243F_6A88_85A3_08D3
                var second: UInt64 = 0x1319_8A2E_0370_7344
                for column in order {
                    let code = UInt64(codes[column][row])
                    first = mix(first ^ code)
                    second = mix(second &+ code &* 0x9E37_79B9_7F4A_7C15)
                }
                sums = (sums.0 &+ mix(first), sums.1 &+ mix(second))
            }
        }
        var text = "dpsynth encoded rows 1\n"
        for column in order {
            let definition = SchemaWriter.yaml(Schema(name: "column", columns: [columns[column]]))
            text += "\(definition.utf8.count):\(definition)"
        }
        text += "\(table.rowCount) \(sums.0) \(sums.1)"
        return Blake2b.hex(Data(text.utf8))
    }

    @inline(__always)
    static func mix(_ value: UInt64) -> UInt64 { SplitMix.finalise(value &+ 0x9E37_79B9_7F4A_7C15) }
}
