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
        (ExactRational(exactly: value)! / step).roundedToNearest
    }

    /// The double nearest to `index · 2^exponent`.
    public func value(at index: ExactInteger) -> Double {
        (ExactRational(index) * step).doubleValue
    }

    /// `value / 2^exponent` rounded up to an integer: a scale in grid units no smaller than asked.
    public func unitsCeiling(_ value: Double) -> ExactInteger {
        (ExactRational(exactly: value)! / step).ceiling
    }
}
