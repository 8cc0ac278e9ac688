import DPData
import DPLedger
import Foundation

/// A digest of a CSV file's records taken as a multiset, which no change of form alters: line
/// ends, quoting, a byte-order mark, blank lines, spaces and tabs around a value (which no column
/// reads, `CSVRecordView.value`), the order of the rows, and the order of the columns (a field is
/// keyed by its column's name in the header, in Unicode's composed normal form). A copy of a
/// table that another program saved has the table's digest, so it shares the table's budget
/// (`DataFingerprint`); a table with a value changed, a row added or a column dropped has another.
///
/// Each record is hashed (BLAKE2b) with its fields in the order of their columns' names, and the
/// hashes are summed modulo 2^256, a sum no order of the records changes; the digest hashes the
/// sorted names, the number of records and that sum.
struct CSVRecordsDigest {
    /// The header's field positions in the order of their names; nil until the header is read.
    private var order: [Int]?
    private var names: [String] = []
    private var sum: [UInt64] = [0, 0, 0, 0]
    private var records: UInt64 = 0
    private var encoded: [UInt8] = []
    private var recordHash = [UInt8](repeating: 0, count: 32)

    /// Adds a record; the first is the header.
    mutating func add(_ record: CSVRecordView) {
        guard let order else {
            // In one Unicode normal form: the loader matches names by canonical equivalence.
            let header = (0..<record.count).map {
                DatasetLoader.headerName(record.string($0)).precomposedStringWithCanonicalMapping
            }
            let sorted = Self.order(of: header)
            self.order = sorted
            names = sorted.map { header[$0] }
            return
        }
        encoded.removeAll(keepingCapacity: true)
        // A record of another length than the header (refused when rows are read) is taken as it stands.
        for field in record.count == order.count ? order : Array(0..<record.count) {
            Self.append(record.value(field), to: &encoded)
        }
        encoded.withUnsafeBufferPointer { input in
            recordHash.withUnsafeMutableBufferPointer { Blake2b.hash(input, into: $0) }
        }
        var carry: UInt64 = 0
        for limb in 0..<4 {
            var word: UInt64 = 0
            for byte in 0..<8 { word |= UInt64(recordHash[limb * 8 + byte]) << (8 * byte) }
            let (partial, overflow) = sum[limb].addingReportingOverflow(word)
            let (total, carried) = partial.addingReportingOverflow(carry)
            sum[limb] = total
            carry = overflow || carried ? 1 : 0
        }
        records += 1
    }

    /// The positions of `names` in the order of their UTF-8 bytes: the order a row's fields are
    /// digested in, whatever the order of the columns.
    static func order(of names: [String]) -> [Int] {
        names.indices.sorted { Array(names[$0].utf8).lexicographicallyPrecedes(names[$1].utf8) }
    }

    /// The digest, as lowercase hex.
    func hex() -> String {
        var final: [UInt8] = Array("dpsynth csv records 1".utf8)
        for name in names { Array(name.utf8).withUnsafeBufferPointer { Self.append($0, to: &final) } }
        Self.append(number: UInt64(names.count), to: &final)
        Self.append(number: records, to: &final)
        for limb in sum { Self.append(number: limb, to: &final) }
        return final.withUnsafeBufferPointer { input in
            var digest = [UInt8](repeating: 0, count: 32)
            digest.withUnsafeMutableBufferPointer { Blake2b.hash(input, into: $0) }
            return Hex.encode(digest)
        }
    }

    /// Appends `bytes` with their length before them, so no two lists of fields encode alike.
    private static func append(_ bytes: UnsafeBufferPointer<UInt8>, to encoded: inout [UInt8]) {
        append(number: UInt64(bytes.count), to: &encoded)
        encoded.append(contentsOf: bytes)
    }

    private static func append(number: UInt64, to encoded: inout [UInt8]) {
        withUnsafeBytes(of: number.littleEndian) { encoded.append(contentsOf: $0) }
    }
}
