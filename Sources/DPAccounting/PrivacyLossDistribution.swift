import Foundation

/// A discretised privacy loss distribution (PLD): probabilities of the privacy loss on the grid
/// `(lowerIndex + i) · interval`, plus the mass at +∞.
///
/// Privacy: built pessimistically (connect-the-dots, Doroshenko et al. 2022), so every ε or δ
/// read from it is an upper bound on the true one; truncated tails go to +∞ (upper tail)
/// or up to the lowest kept loss (lower tail) (Proofs/pld-accountant.md).
public struct PrivacyLossDistribution: Sendable {
    public static let proofDocument = "Proofs/pld-accountant.md"

    public let interval: Double
    public private(set) var lowerIndex: Int
    public private(set) var probabilities: [Double]
    public private(set) var infinityMass: Double

    /// The tail mass dropped on each composition, added to the mass at +∞.
    public static let defaultTailBound = 1e-15

    /// The most grid points a distribution or its transform may take (32 MB of doubles an array):
    /// a loss too spread for it is refused, never a trap or a process killed for its memory.
    public static let largestGrid = 1 << 22

    static func checkGrid(_ points: Double) throws {
        guard points <= Double(largestGrid) else { throw PLDGridError(points: points) }
    }

    /// The connect-the-dots PLD whose hockey-stick curve interpolates `delta(ε)` at every grid
    /// point between `lowerLoss` and `upperLoss` linearly in e^ε, lying above the true curve
    /// (which is convex in e^ε).
    static func connectTheDots(
        interval h: Double, lowerLoss: Double, upperLoss: Double,
        delta: (Double) -> Double
    ) -> PrivacyLossDistribution {
        let first = Int((lowerLoss / h).rounded(.down))
        let last = max(first, Int((upperLoss / h).rounded(.up)))
        var deltas = (first...last).map { min(1, max(0, delta(Double($0) * h))) }
        for index in 1..<deltas.count { deltas[index] = min(deltas[index], deltas[index - 1]) }
        let n = deltas.count
        guard n > 1 else {
            return PrivacyLossDistribution(
                interval: h, lowerIndex: first, probabilities: [1 - deltas[0]], infinityMass: deltas[0])
        }
        let expm1h = expm1(h)
        var masses = [Double](repeating: 0, count: n)
        masses[0] = 1 - deltas[0] + (deltas[1] - deltas[0]) / expm1h
        for index in 1..<(n - 1) {
            masses[index] =
                ((deltas[index + 1] - deltas[index]) - exp(h) * (deltas[index] - deltas[index - 1])) / expm1h
        }
        masses[n - 1] = (deltas[n - 1] - deltas[n - 2]) / expm1(-h)
        return PrivacyLossDistribution(
            interval: h, lowerIndex: first,
            probabilities: masses.map { max(0, $0) }, infinityMass: deltas[n - 1])
    }

    /// The smallest ε ≥ 0 with δ(ε) ≤ `delta`; +∞ when the mass at +∞ alone exceeds `delta`.
    public func epsilon(delta: Double) -> Double {
        if infinityMass > delta { return .infinity }
        var upperMass = infinityMass
        var weighted = 0.0
        for index in stride(from: probabilities.count - 1, through: 0, by: -1) {
            let loss = Double(lowerIndex + index) * interval
            let p = probabilities[index]
            // δ(ε) for ε just below this loss, including it. An empty point is checked too: its
            // interval holds the crossing when the mass above already exceeds δ there.
            upperMass += p
            weighted += p * exp(-loss)
            let previousLoss = index > 0 ? Double(lowerIndex + index - 1) * interval : -Double.infinity
            if upperMass - exp(previousLoss) * weighted > delta {
                let candidate = log((upperMass - delta) / weighted)
                return max(0, candidate)
            }
        }
        return 0
    }

    /// δ(ε) = P(∞) + Σ_{l > ε} p_l (1 - e^{ε - l}).
    public func delta(epsilon: Double) -> Double {
        var total = infinityMass
        for (index, p) in probabilities.enumerated() {
            let loss = Double(lowerIndex + index) * interval
            if loss > epsilon { total += p * -expm1(epsilon - loss) }
        }
        return min(1, total)
    }

    /// The PLD of `count` independent runs, by FFT with Chernoff-bounded support.
    public func selfComposed(_ count: Int, tailBound: Double = defaultTailBound) throws -> PrivacyLossDistribution {
        precondition(count >= 1)
        if count == 1 { return self }
        let n = probabilities.count
        // The composed losses' indices must fit an Int (a count of 10^15 steps overflowed): such
        // a composition needs a grid far beyond the largest anyway.
        let span = Double(max(n - 1, 1)) * Double(count)
        guard span < 0x1p62, abs(Double(lowerIndex)) * Double(count) < 0x1p62 else {
            throw PLDGridError(points: span)
        }
        let (lower, upper) = chernoffRange(count: count, tailBound: tailBound)
        let window = upper - lower + 1
        try Self.checkGrid(Double(max(window, n)))
        var size = 1
        while size < max(window, n) { size <<= 1 }
        var real = [Double](repeating: 0, count: size)
        var imaginary = [Double](repeating: 0, count: size)
        for index in 0..<n { real[index] = probabilities[index] }
        let fft = FastFourierTransform(size: size)
        fft.transform(real: &real, imaginary: &imaginary)
        let power = Double(count)
        for index in 0..<size {
            let magnitude = (real[index] * real[index] + imaginary[index] * imaginary[index]).squareRoot()
            if magnitude == 0 { continue }
            let angle = atan2(imaginary[index], real[index]) * power
            let scaled = pow(magnitude, power)
            real[index] = scaled * cos(angle)
            imaginary[index] = scaled * sin(angle)
        }
        fft.transform(real: &real, imaginary: &imaginary, inverse: true)
        let scale = 1 / Double(size)
        var composed = [Double](repeating: 0, count: window)
        for offset in 0..<window {
            let sum = lower + offset
            composed[offset] = max(0, real[((sum % size) + size) % size] * scale)
        }
        let infinity = tailBound - expm1(power * log1p(-infinityMass))
        return PrivacyLossDistribution(
            interval: interval, lowerIndex: lowerIndex * count + lower,
            probabilities: composed, infinityMass: min(1, infinity))
    }

    /// The composition with another PLD on the same grid.
    public func composed(with other: PrivacyLossDistribution, tailBound: Double = defaultTailBound) throws
        -> PrivacyLossDistribution
    {
        precondition(interval == other.interval, "PLDs must share a discretisation interval")
        let length = probabilities.count + other.probabilities.count - 1
        try Self.checkGrid(Double(length))
        var size = 1
        while size < length { size <<= 1 }
        var aReal = [Double](repeating: 0, count: size)
        var aImaginary = aReal
        var bReal = aReal
        var bImaginary = aReal
        for (index, p) in probabilities.enumerated() { aReal[index] = p }
        for (index, p) in other.probabilities.enumerated() { bReal[index] = p }
        let fft = FastFourierTransform(size: size)
        fft.transform(real: &aReal, imaginary: &aImaginary)
        fft.transform(real: &bReal, imaginary: &bImaginary)
        for index in 0..<size {
            let re = aReal[index] * bReal[index] - aImaginary[index] * bImaginary[index]
            let im = aReal[index] * bImaginary[index] + aImaginary[index] * bReal[index]
            aReal[index] = re
            aImaginary[index] = im
        }
        fft.transform(real: &aReal, imaginary: &aImaginary, inverse: true)
        let convolution = (0..<length).map { max(0, aReal[$0] / Double(size)) }
        // Pessimistic truncation: the lower tail moves up to the first kept loss, the upper tail to +∞.
        var start = 0
        var lowerTail = 0.0
        while start < length - 1, lowerTail + convolution[start] <= tailBound / 2 {
            lowerTail += convolution[start]
            start += 1
        }
        var end = length - 1
        var upperTail = 0.0
        while end > start, upperTail + convolution[end] <= tailBound / 2 {
            upperTail += convolution[end]
            end -= 1
        }
        var kept = Array(convolution[start...end])
        kept[0] += lowerTail
        let infinity = infinityMass + other.infinityMass - infinityMass * other.infinityMass + upperTail
        return PrivacyLossDistribution(
            interval: interval, lowerIndex: lowerIndex + other.lowerIndex + start,
            probabilities: kept, infinityMass: min(1, infinity))
    }

    /// Index bounds [lower, upper] of the `count`-fold sum of grid indices (relative to
    /// `lowerIndex`) outside which each tail has probability at most `tailBound / 2`,
    /// from the Chernoff bound P(S ≥ s) ≤ exp(count·log M(λ) - λs).
    private func chernoffRange(count: Int, tailBound: Double) -> (Int, Int) {
        let n = probabilities.count
        let logTail = log(2 / tailBound)
        var upper = (n - 1) * count
        var lower = 0
        let support = probabilities.indices.filter { probabilities[$0] > 0 }
        let logP = support.map { log(probabilities[$0]) }
        let positions = support.map(Double.init)
        var terms = [Double](repeating: 0, count: support.count)
        for step in 1...20 {
            for sign in [-1.0, 1.0] {
                let lambda = sign * Double(step) / Double(max(n, 1))
                var maximum = -Double.infinity
                for index in terms.indices {
                    let term = lambda * positions[index] + logP[index]
                    terms[index] = term
                    maximum = max(maximum, term)
                }
                var sum = 0.0
                for term in terms { sum += exp(term - maximum) }
                let logM = maximum + log(sum)
                let bound = (Double(count) * logM + logTail) / lambda
                guard bound.isFinite else { continue }
                // Within [0, (n - 1)·count] before the conversion, which traps beyond an Int.
                if lambda > 0 {
                    upper = min(upper, Int(max(0, min(bound.rounded(.up), Double(upper)))))
                } else {
                    lower = max(lower, Int(max(0, min(bound.rounded(.down), Double(upper)))))
                }
            }
        }
        return (lower, max(lower, upper))
    }
}

/// A privacy loss too spread for the accountant's grid (`PrivacyLossDistribution.largestGrid`
/// points at its interval): typically a noise multiplier far below 1.
public struct PLDGridError: UserFacingError {
    public let points: Double
    public var description: String {
        String(
            format: "the privacy loss needs a grid of %.3g points, more than the PLD accountant's %d: "
                + "use the rdp accountant, or a larger noise multiplier", points, PrivacyLossDistribution.largestGrid)
    }
}
