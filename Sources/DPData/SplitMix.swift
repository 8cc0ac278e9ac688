/// SplitMix64's finaliser, a fast 64-bit mix in which every bit of the input moves every bit of
/// the output: the row hashes a gate compares and a file's encoded-rows digest are built on it.
/// Not a cryptographic hash.
public enum SplitMix {
    @inlinable
    public static func finalise(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// `finalise` of `value` plus the golden-ratio increment: a mix that sends 0 elsewhere, for
    /// the digests that sum hashes of values.
    @inlinable
    public static func mix(_ value: UInt64) -> UInt64 { finalise(value &+ 0x9E37_79B9_7F4A_7C15) }
}
