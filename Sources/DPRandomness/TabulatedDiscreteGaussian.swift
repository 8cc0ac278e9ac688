import CGMP

/// The discrete Gaussian N_Z(0, T²) for an integer scale T, drawn by inverting a precomputed
/// table of its folded distribution (|x|, then a fair sign): one 64-bit word from the secure
/// source, a guide-table lookup and one or two table reads per draw, so much faster than the
/// exact sampler. Built for DP-SGD's millions of draws per step.
///
/// The table holds P(|X| <= m) rounded down to 128 fractional bits, computed in 224-bit fixed
/// point with GMP, and stops where exp(-m²/2T²) < 2^-140. A draw is therefore not exact: its
/// total variation distance from N_Z(0, T²) is at most `totalVariationBound` (below 2^-100 for
/// every scale allowed). A mechanism that uses it adds that distance, times the number of draws
/// and 1 + e^ε, to its δ.
///
/// Privacy: N_Z(0, T²) up to `totalVariationBound` per draw (Proofs/discrete-gaussian.md).
public struct TabulatedDiscreteGaussian: Sendable {
    public static let proofDocument = "Proofs/discrete-gaussian.md"
    /// The largest scale tabulated (the table has about 13.9 T entries of 16 bytes).
    public static let largestScale: UInt64 = 1 << 17

    public let scale: UInt64
    /// The largest magnitude a draw can have; it also takes the (tiny) mass beyond.
    public let cutoff: Int
    /// Total variation distance from N_Z(0, T²) of one draw, at most.
    public let totalVariationBound: Double
    /// floor(2^128 · P(|X| <= m)) for m < cutoff: high and low 64-bit words.
    @usableFromInline let high: [UInt64]
    @usableFromInline let low: [UInt64]
    /// guide[g] = the first m with high[m] >= g · 2^48, for g = 0...65535; guide[65536] = cutoff.
    @usableFromInline let guide: [UInt32]

    /// At least `totalVariationBound` at every scale allowed, known without building a table:
    /// a table has at most sqrt(2 · 140 · ln 2) · T + 1 entries.
    public static let largestTotalVariationBound: Double = {
        let entries =
            (2 * Double(FoldedGaussianTable.tailBits) * 0.693_147_180_559_945_4).squareRoot() * Double(largestScale) + 1
        return (entries.rounded(.up) + 2) * 0x1p-125 + 0x1p-120
    }()

    public init?(scale: UInt64) {
        guard scale >= 1, scale <= Self.largestScale else { return nil }
        self.scale = scale
        let table = FoldedGaussianTable(scale: scale)
        cutoff = table.high.count
        high = table.high
        low = table.low
        var guide = [UInt32](repeating: UInt32(cutoff), count: 65_537)
        var m = 0
        for bucket in 0..<65_536 {
            while m < cutoff && high[m] < UInt64(bucket) << 48 { m += 1 }
            guide[bucket] = UInt32(m)
        }
        self.guide = guide
        // Each stored cumulative value is within 2 units of 2^-128 of the true one (so each
        // probability within 4), and the mass beyond the cutoff is below 2^-120.
        totalVariationBound = Double(cutoff + 2) * 0x1p-125 + 0x1p-120
    }

    /// One draw.
    @inlinable
    public func sample(source: RandomSource) -> Int {
        let magnitude = self.magnitude(source: source)
        if magnitude == 0 { return 0 }
        return source.nextBit() ? -magnitude : magnitude
    }

    /// The smallest m with U < P(|X| <= m) (m = cutoff if none) for a uniform 128-bit U whose
    /// low word is drawn only when a high word ties.
    @inlinable
    func magnitude(source: RandomSource) -> Int {
        let uHigh = source.nextUInt64()
        var uLow: UInt64? = nil
        let bucket = Int(uHigh >> 48)
        var first = Int(guide[bucket])
        var last = Int(guide[bucket + 1])
        return high.withUnsafeBufferPointer { high in
            // The answer lies in first...last; `last` is known to exceed U.
            while first < last {
                let middle = last - first <= 4 ? first : first + (last - first) / 2
                let exceeds: Bool
                if high[middle] != uHigh {
                    exceeds = high[middle] > uHigh
                } else {
                    if uLow == nil { uLow = source.nextUInt64() }
                    exceeds = low[middle] > uLow!
                }
                if exceeds { last = middle } else { first = middle + 1 }
            }
            return first
        }
    }
}
