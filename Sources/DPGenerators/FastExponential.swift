import CWideExponential
import Foundation

/// The exponential of the estimator's inner loops, eight lanes at a time.
///
/// exp(y) = 2^k · p(r), with k = round(y / ln 2) and r = y − k ln 2 (ln 2 split in a 32-bit head,
/// so k · head is exact, and a tail), |r| ≤ ln 2 / 2, and p the degree-12 Taylor polynomial of
/// e^r, whose truncation error there is below 2e-16 relative; 2^k is built from its bits.
/// Error bound: relative error at most 1e-15 for y in [−708, 709] (`FastExponentialTests`
/// measures it against `Foundation.exp`); below −708 the result is 0 (an absolute error under
/// 4e-308), above 709 it is +infinity, and NaN stays NaN.
///
/// Estimation is post-processing of noisy measurements: this approximation costs accuracy
/// within that bound, never privacy.
enum FastExponential {
    static let lowest = -708.0
    static let highest = 709.0
    private static let log2e = 1.4426950408889634
    private static let ln2Head = 6.93147180369123816490e-01
    private static let ln2Tail = 1.90821492927058770002e-10
    /// 1.5 · 2^52: adding it rounds a double of magnitude below 2^51 to an integer, kept in the low bits.
    private static let roundingShift = 6_755_399_441_055_744.0
    @inline(__always)
    static func exp(_ y: SIMD8<Double>) -> SIMD8<Double> {
        let low = SIMD8<Double>(repeating: lowest)
        let high = SIMD8<Double>(repeating: highest)
        let x = y.replacing(with: low, where: .!(y .>= low)).replacing(with: high, where: y .> high)
        let shift = SIMD8<Double>(repeating: roundingShift)
        let shifted = x * log2e + shift
        let k = shifted - shift
        let r = (x - k * ln2Head) - k * ln2Tail
        // The Taylor coefficients 1/12!, 1/11!, ..., 1/0!, by Horner's rule.
        var p = SIMD8<Double>(repeating: 2.08767569878681e-09)
        p = p * r + 2.505210838544172e-08
        p = p * r + 2.755731922398589e-07
        p = p * r + 2.7557319223985893e-06
        p = p * r + 2.48015873015873e-05
        p = p * r + 0.0001984126984126984
        p = p * r + 0.001388888888888889
        p = p * r + 0.008333333333333333
        p = p * r + 0.041666666666666664
        p = p * r + 0.16666666666666666
        p = p * r + 0.5
        p = p * r + 1.0
        p = p * r + 1.0
        let bits = (unsafeBitCast(shifted, to: SIMD8<UInt64>.self) &+ 1023) &<< 52
        var result = p * unsafeBitCast(bits, to: SIMD8<Double>.self)
        result.replace(with: 0, where: y .< low)
        result.replace(with: .infinity, where: y .> high)
        result.replace(with: y, where: y .!= y)
        return result
    }

    /// exp of one value (the same approximation, for loop tails).
    @inline(__always)
    static func exp(_ y: Double) -> Double { exp(SIMD8(repeating: y))[0] }

    /// Eight values of `x` from `start`.
    @inline(__always)
    static func load(_ x: UnsafeBufferPointer<Double>, at start: Int) -> SIMD8<Double> {
        UnsafeRawPointer(x.baseAddress! + start).loadUnaligned(as: SIMD8<Double>.self)
    }

    /// The widest lanes the processor runs the same operations in (CWideExponential: 8 with
    /// AVX-512, 4 with AVX2, 0 without either), which give the same bits, so a seeded run's
    /// output does not depend on the machine.
    static let width = Int(dpsynth_wide_exponential_width())

    /// out[i] = exp(x[i] − shift) for every i; `out` may be `x`.
    static func exp(_ x: UnsafeBufferPointer<Double>, minus shift: Double, into out: UnsafeMutableBufferPointer<Double>)
    {
        exp(x, minus: shift, into: out, width: width)
    }

    /// The same, in lanes of `width` doubles from CWideExponential (4 or 8, when the processor
    /// runs them), else in Swift's.
    static func exp(
        _ x: UnsafeBufferPointer<Double>, minus shift: Double, into out: UnsafeMutableBufferPointer<Double>, width: Int
    ) {
        let count = x.count
        let shiftVector = SIMD8<Double>(repeating: shift)
        var start = 0
        if width > 0 && count >= 8 {
            start = dpsynth_wide_exponential(x.baseAddress!, shift, out.baseAddress!, count, Int32(width))
        }
        while start + 8 <= count {
            let values = exp(load(x, at: start) - shiftVector)
            UnsafeMutableRawPointer(out.baseAddress! + start).storeBytes(of: values, as: SIMD8<Double>.self)
            start += 8
        }
        while start < count {
            out[start] = exp(x[start] - shift)
            start += 1
        }
    }

    /// The largest value of `x` (−infinity when it is empty), eight lanes at a time.
    static func maximum(_ x: UnsafeBufferPointer<Double>) -> Double {
        let count = x.count
        var lanes = SIMD8<Double>(repeating: -.infinity)
        var start = 0
        while start + 8 <= count {
            let values = load(x, at: start)
            lanes.replace(with: values, where: values .> lanes)
            start += 8
        }
        var largest = lanes.max()
        while start < count {
            largest = Swift.max(largest, x[start])
            start += 1
        }
        return largest
    }

    /// Σ exp(x[i] − shift).
    static func sumExp(_ x: UnsafeBufferPointer<Double>, minus shift: Double) -> Double {
        let count = x.count
        let shiftVector = SIMD8<Double>(repeating: shift)
        var sums = SIMD8<Double>(repeating: 0)
        var start = 0
        while start + 8 <= count {
            sums += exp(load(x, at: start) - shiftVector)
            start += 8
        }
        var total = sums.sum()
        while start < count {
            total += exp(x[start] - shift)
            start += 1
        }
        return total
    }

}
