import DPData

/// A 64-bit hash of a row's codes, for the gate's indexes: each code is mixed in with its
/// position (a blanked column as a code no column uses), and the result goes through a strong
/// 64-bit finaliser, so two different rows collide with probability about 2^-64.
enum RowHash {
    /// The code that stands for a blanked column.
    static let blank: UInt64 = 0x1_0000

    /// The hash of row `row` of `codes`, with column `blanking` replaced by the blank.
    @inline(__always)
    static func of(_ codes: [[UInt16]], row: Int, blanking: Int?) -> UInt64 {
        var hash: UInt64 = 0x9E37_79B9_7F4A_7C15
        for column in codes.indices {
            hash = mix(hash, column == blanking ? blank : UInt64(codes[column][row]))
        }
        return SplitMix.finalise(hash)
    }

    /// Every row's hash (no column blanked), sorted: 8 bytes a row, whatever the width.
    static func sorted(_ table: EncodedDataset) -> [UInt64] {
        var hashes = (0..<table.rowCount).map { of(table.codes, row: $0, blanking: nil) }
        hashes.sort()
        return hashes
    }

    /// The hash of row `row` over `columns` only (an attribute check's key).
    @inline(__always)
    static func of(_ codes: [[UInt16]], row: Int, columns: [Int]) -> UInt64 {
        var hash: UInt64 = 0xC2B2_AE3D_27D4_EB4F
        for column in columns { hash = mix(hash, UInt64(codes[column][row])) }
        return SplitMix.finalise(hash)
    }

    /// The hash of a key's hash followed by one more code (a key and its secret value).
    @inline(__always)
    static func pair(_ key: UInt64, _ value: UInt16) -> UInt64 {
        SplitMix.finalise(mix(key, blank + 1 + UInt64(value)))
    }

    @inline(__always)
    static func mix(_ hash: UInt64, _ value: UInt64) -> UInt64 {
        (hash ^ SplitMix.mix(value)) &* 0xBF58_476D_1CE4_E5B9 &+ 1
    }
}
