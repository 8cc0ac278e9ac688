import DPRandomness

/// The grid of multiples of 2^exponent on which the float-safe mechanisms add noise.
///
/// A real input is rounded exactly to the nearest grid point (ties upward), integer noise is
/// added in grid units, and the exact result is converted to the nearest double. Rounding
/// moves each coordinate by at most half a grid step, so two inputs at distance d land at
/// grid distance at most d + 2^exponent per coordinate (Proofs/float-safe-noise.md).
public struct DyadicGrid: Sendable, Equatable {
    public static let proofDocument = "Proofs/float-safe-noise.md"

    public let exponent: Int

    /// A grid `resolutionBits` binary orders of magnitude finer than `scale`.
    public init(scale: Double, resolutionBits: Int) {
        exponent = Int(scale.exponent) - resolutionBits
    }

    public var step: ExactRational { .powerOfTwo(exponent) }

    /// The index of the grid point nearest to a finite value.
    public func index(of value: Double) -> ExactInteger {
        if let fast = fastIndex(of: value) { return ExactInteger(fast) }
        return (ExactRational(exactly: value)! / step).roundedToNearest
    }

    /// The index of the grid point nearest to an exact value (ties upward, as `index(of:)`).
    public func index(ofExact value: ExactRational) -> ExactInteger {
        (value / step).roundedToNearest
    }

    /// The double nearest to `index · 2^exponent`.
    public func value(at index: ExactInteger) -> Double {
        if let small = index.int, let fast = fastValue(at: small) { return fast }
        return (ExactRational(index) * step).doubleValue
    }

    /// The same rounding in double arithmetic where every step is exact: multiplying by a power of
    /// two is exact when the product is a normal double (or zero), and for |y| < 2^62 the
    /// difference y - floor(y) is exact; ties go up, as in the exact path. Nil outside that range.
    @inlinable
    public func fastIndex(of value: Double) -> Int? {
        guard abs(exponent) < 1000 else { return nil }
        let scaled = value * Double(sign: .plus, exponent: -exponent, significand: 1)
        guard scaled == 0 || (abs(scaled) >= Double.leastNormalMagnitude && abs(scaled) < 0x1p62) else { return nil }
        let down = scaled.rounded(.down)
        return Int(down) + (scaled - down >= 0.5 ? 1 : 0)
    }

    /// `index · 2^exponent` when the integer is exact as a double (|index| <= 2^53) and the
    /// product is a normal double or zero; nil otherwise (the exact path then rounds).
    @inlinable
    public func fastValue(at index: Int) -> Double? {
        guard abs(exponent) < 1000, index.magnitude <= 1 << 53 else { return nil }
        let result = Double(index) * Double(sign: .plus, exponent: exponent, significand: 1)
        guard result == 0 || (abs(result) >= Double.leastNormalMagnitude && result.isFinite) else { return nil }
        return result
    }

    /// `value / 2^exponent` rounded up to an integer: a scale in grid units no smaller than asked.
    public func unitsCeiling(_ value: Double) -> ExactInteger {
        (ExactRational(exactly: value)! / step).ceiling
    }
}
