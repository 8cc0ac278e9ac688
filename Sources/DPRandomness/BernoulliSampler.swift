/// Exact Bernoulli samplers: no floating point on the sampling path.
///
/// Privacy: exactness means the output distribution is the one the proofs assume
/// (Proofs/exact-samplers.md), with no rounding artefacts an attacker could read.
public enum BernoulliSampler {
    public static let proofDocument = "Proofs/exact-samplers.md"

    /// True with probability exactly `numerator / denominator` (0 <= p <= 1).
    @inlinable
    public static func sample(numerator: ExactInteger, denominator: ExactInteger, source: RandomSource) -> Bool {
        source.uniform(below: denominator) < numerator
    }

    /// True with probability exactly `p`, for `p` in [0, 1].
    public static func sample(_ probability: ExactRational, source: RandomSource) -> Bool {
        precondition(probability.signum >= 0 && probability <= .one, "a probability lies in [0, 1]")
        return sample(numerator: probability.numerator, denominator: probability.denominator, source: source)
    }

    /// True with probability exactly `exp(-gamma)` for rational `gamma = numerator / denominator >= 0`
    /// (Canonne, Kamath, Steinke 2020, Algorithm 1).
    public static func sampleExp(numerator: ExactInteger, denominator: ExactInteger, source: RandomSource) -> Bool {
        precondition(numerator.signum >= 0 && denominator.signum > 0, "exp(-gamma) needs gamma >= 0")
        let (whole, fraction) = numerator.floorDivided(by: denominator)
        if let count = whole.int {
            for _ in 0..<count where !sampleExpOfFraction(numerator: .one, denominator: .one, source: source) {
                return false
            }
        } else {
            // gamma >= 2^63: exp(-gamma) is below 2^-(2^63); loop anyway to stay exact.
            var remaining = whole
            while remaining.signum > 0 {
                if !sampleExpOfFraction(numerator: .one, denominator: .one, source: source) { return false }
                remaining = remaining - .one
            }
        }
        return sampleExpOfFraction(numerator: fraction, denominator: denominator, source: source)
    }

    /// True with probability `exp(-gamma)` for rational `gamma >= 0`.
    public static func sampleExp(_ gamma: ExactRational, source: RandomSource) -> Bool {
        sampleExp(numerator: gamma.numerator, denominator: gamma.denominator, source: source)
    }

    /// Bernoulli(exp(-gamma)) for gamma in [0, 1]: the parity of the first failure in a chain
    /// of Bernoulli(gamma / k) trials.
    static func sampleExpOfFraction(numerator: ExactInteger, denominator: ExactInteger, source: RandomSource) -> Bool {
        if numerator.signum == 0 { return true }
        var k = 1
        while true {
            let trial: Bool
            if case .small(let d) = denominator.storage, case .small(let n) = numerator.storage,
                let bound = UInt64(exactly: d),
                case (let product, let overflow) = bound.multipliedReportingOverflow(by: UInt64(k)),
                !overflow
            {
                trial = Int128(source.uniform(below: product)) < n
            } else {
                trial = source.uniform(below: denominator * ExactInteger(k)) < numerator
            }
            if !trial { return k % 2 == 1 }
            k += 1
        }
    }
}
