import DPData
import DPLedger
import Foundation

/// A digest of a CSV file's records taken as a multiset, which no change of form alters: line
/// ends, quoting, a byte-order mark, blank lines, spaces and tabs around a value (which no column
/// reads, `CSVRecordView.value`), the order of the rows, and the columns' names and order (the
/// header is not digested). A copy of a table that another program saved, or with its columns
/// renamed, has the table's digest, so it shares the table's budget (`DataFingerprint`); a table
/// with a value changed, a row added or a column dropped has another. Values swapped between the
/// fields of one record digest alike, as do files of a header alone with as many columns: such
/// data counts as this data (refused a budget of its own), never the reverse.
///
/// Each value is hashed twice (two 64-bit chains over its bytes and length, with different
/// seeds); a record's two hashes are the sums of its values' hashes, which no order of its fields
/// changes, each mixed with the number of fields; the records' hashes are summed modulo 2^64,
/// sums no order of the records changes. The digest is the BLAKE2b of the number of columns, the
/// number of records and the two sums. A collision makes other data count as this data (refused
/// a budget of its own), never the reverse.
struct CSVRecordsDigest {
    private var columns: Int?
    private var sums: (UInt64, UInt64) = (0, 0)
    private var records: UInt64 = 0

    /// Adds a record; the first is the header.
    mutating func add(_ record: CSVRecordView) {
        guard columns != nil else {
            columns = record.count
            return
        }
        var fields: (UInt64, UInt64) = (0, 0)
        for field in 0..<record.count {
            let value = Self.hash(record.value(field))
            fields = (fields.0 &+ value.0, fields.1 &+ value.1)
        }
        let count = UInt64(record.count)
        sums.0 &+= SplitMix.mix(fields.0 ^ count)
        sums.1 &+= SplitMix.mix(fields.1 &+ count &* 0x9E37_79B9_7F4A_7C15)
        records += 1
    }

    /// Two 64-bit hashes of `bytes`, each a chain of mixes over its 8-byte words (the last one
    /// padded with zeros) from a seed of its own and the length.
    @inline(__always)
    static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> (UInt64, UInt64) {
        var first: UInt64 = 0x243F_6A88_85A3_08D3 ^ UInt64(bytes.count)
        var second: UInt64 = 0x1319_8A2E_0370_7344 &+ UInt64(bytes.count) &* 0xA409_3822_299F_31D0
        var start = 0
        while start < bytes.count {
            var word: UInt64 = 0
            for offset in 0..<min(8, bytes.count - start) {
                word |= UInt64(bytes[start + offset]) << (8 * offset)
            }
            first = SplitMix.mix(first ^ word)
            second = SplitMix.mix(second &+ word &* 0x9E37_79B9_7F4A_7C15)
            start += 8
        }
        return (SplitMix.mix(first), SplitMix.mix(second ^ 0x082E_FA98_EC4E_6C89))
    }

    /// The digest, as lowercase hex.
    func hex() -> String {
        let text = "dpsynth csv records 2\n\(columns ?? 0) \(records) \(sums.0) \(sums.1)"
        return Blake2b.hex(Data(text.utf8))
    }
}
