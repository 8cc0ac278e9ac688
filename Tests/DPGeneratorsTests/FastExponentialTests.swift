import DPRandomness
import Foundation
import Testing

@testable import DPGenerators

/// `FastExponential` against `Foundation.exp`: its stated bound (relative error at most 1e-15 on
/// [−708, 709]) on a million seeded points and on the edges, and its special values.
@Suite struct FastExponentialTests {
    static func relativeError(_ y: Double) -> Double {
        let exact = Foundation.exp(y)
        return abs(FastExponential.exp(y) - exact) / exact
    }

    @Test func staysWithinItsBoundOnTheWholeRange() {
        let source = RandomSource.seeded(31)
        var worst = 0.0
        for _ in 0..<1_000_000 {
            let unit = Double(source.nextUInt64() >> 11) * 0x1p-53
            let y = FastExponential.lowest + unit * (FastExponential.highest - FastExponential.lowest)
            worst = max(worst, Self.relativeError(y))
        }
        for y in [-708.0, -700.5, -1, -1e-300, 0, 1e-12, 0.34657359, -0.34657359, 1, 50, 708.9, 709] {
            worst = max(worst, Self.relativeError(y))
        }
        #expect(worst <= 1e-15, "worst relative error \(worst)")
    }

    @Test func specialValues() {
        #expect(FastExponential.exp(0) == 1)
        #expect(FastExponential.exp(-.infinity) == 0)
        #expect(FastExponential.exp(-709) == 0)
        #expect(FastExponential.exp(710) == .infinity)
        #expect(FastExponential.exp(.nan).isNaN)
    }

    /// The array forms agree with the single-value form, tails included.
    /// The lane-wise maximum equals the array's, for every length around the lane width and
    /// with −infinity cells.
    @Test func maximumAgreesWithTheArrays() {
        let source = RandomSource.seeded(5)
        #expect([Double]().withUnsafeBufferPointer(FastExponential.maximum) == -.infinity)
        for count in 1..<40 {
            var values = (0..<count).map { _ in Double(source.nextUInt64() % 2001) - 1000 }
            values[Int(source.nextUInt64() % UInt64(count))] = -.infinity
            #expect(values.withUnsafeBufferPointer(FastExponential.maximum) == values.max()!)
        }
    }

    @Test func arrayFormsAgree() {
        let values = (0..<13).map { -Double($0) * 0.7 }
        var out = [Double](repeating: 0, count: 13)
        values.withUnsafeBufferPointer { x in
            out.withUnsafeMutableBufferPointer { FastExponential.exp(x, minus: 1.5, into: $0) }
            let sum = FastExponential.sumExp(x, minus: 1.5)
            #expect(abs(sum - values.reduce(0) { $0 + Foundation.exp($1 - 1.5) }) <= 1e-14 * sum)
        }
        #expect(zip(out, values).allSatisfy { abs($0 - Foundation.exp($1 - 1.5)) <= 1e-15 * $0 })
    }

    /// The AVX2 and AVX-512 lanes give the same bits as Swift's lanes on a million seeded points
    /// across the whole range and beyond it, the edges, −infinity, infinity and NaN, in place, at
    /// every length around the lane widths (the tail is Swift's).
    @Test(.enabled(if: FastExponential.width >= 4, "this processor does not run AVX2: Swift's lanes are used"))
    func avx2LanesGiveTheSameBits() { Self.expectTheSameBits(width: 4) }

    @Test(.enabled(if: FastExponential.width >= 8, "this processor does not run AVX-512: it uses narrower lanes"))
    func avx512LanesGiveTheSameBits() { Self.expectTheSameBits(width: 8) }

    static func expectTheSameBits(width: Int) {
        let source = RandomSource.seeded(37)
        var values = (0..<1_000_000).map { _ in
            let unit = Double(source.nextUInt64() >> 11) * 0x1p-53
            return -800 + unit * 1600
        }
        values += [-708.0, -708.0000001, -709, 709, 709.0000001, 710, 0, -0.0, 1e-300, -.infinity, .infinity, .nan]
        for shift in [0.0, 3.25] {
            for count in [values.count, 7, 8, 9, 15, 16, 17, 31, 32, 33, 40] {
                let x = Array(values.suffix(count))
                var narrow = [Double](repeating: 0, count: count)
                var wide = x
                x.withUnsafeBufferPointer { x in
                    narrow.withUnsafeMutableBufferPointer { FastExponential.exp(x, minus: shift, into: $0, width: 0) }
                }
                wide.withUnsafeMutableBufferPointer { buffer in
                    FastExponential.exp(UnsafeBufferPointer(buffer), minus: shift, into: buffer, width: width)
                }
                #expect(
                    zip(narrow, wide).allSatisfy { $0.bitPattern == $1.bitPattern }, "count \(count), shift \(shift)")
            }
        }
    }
}
