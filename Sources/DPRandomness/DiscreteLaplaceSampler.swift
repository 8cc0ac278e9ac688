/// Exact sampler for the discrete Laplace distribution on the integers,
/// `P(x) ∝ exp(-|x| / scale)`, with a rational scale (Canonne, Kamath, Steinke 2020, Algorithm 2).
///
/// Privacy: adding this noise to an integer query of L1 sensitivity Δ is (Δ / scale)-DP
/// (Proofs/discrete-laplace.md).
public struct DiscreteLaplaceSampler: Sendable {
    public static let proofDocument = "Proofs/discrete-laplace.md"

    public let scale: ExactRational
    // scale = t / s with s, t positive integers.
    let t: ExactInteger
    let s: ExactInteger

    /// A sampler with `scale > 0`.
    public init(scale: ExactRational) {
        precondition(scale.signum > 0, "the discrete Laplace scale must be positive")
        self.scale = scale
        self.t = scale.numerator
        self.s = scale.denominator
    }

    /// One draw.
    public func sample(source: RandomSource) -> ExactInteger {
        while true {
            let u = source.uniform(below: t)
            if !BernoulliSampler.sampleExp(numerator: u, denominator: t, source: source) { continue }
            var v = 0
            while BernoulliSampler.sampleExpOfFraction(numerator: .one, denominator: .one, source: source) {
                v += 1
            }
            let x = u + t * ExactInteger(v)
            let y = x.floorDivided(by: s).quotient
            let negative = source.nextBit()
            if negative && y.signum == 0 { continue }
            return negative ? -y : y
        }
    }

    /// `count` independent draws as machine integers.
    ///
    /// A draw beyond the range of `Int` is astronomically unlikely for scales below 2^50;
    /// such a draw saturates to `Int.min` or `Int.max`.
    public func samples(count: Int, source: RandomSource) -> [Int] {
        (0..<count).map { _ in sample(source: source).saturatingInt }
    }
}

extension ExactInteger {
    /// The value clamped to the range of `Int`.
    public var saturatingInt: Int {
        if let value = int { return value }
        return signum < 0 ? Int.min : Int.max
    }
}
