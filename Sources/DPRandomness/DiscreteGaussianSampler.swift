/// Exact sampler for the discrete Gaussian on the integers, `P(x) ∝ exp(-x² / (2σ²))`,
/// with a rational σ (Canonne, Kamath, Steinke 2020, Algorithm 3).
///
/// Privacy: adding this noise to an integer query of L2 sensitivity Δ is
/// (Δ² / (2σ²))-zCDP (Proofs/discrete-gaussian.md).
public struct DiscreteGaussianSampler: Sendable {
    public static let proofDocument = "Proofs/discrete-gaussian.md"

    public let sigma: ExactRational
    let laplace: DiscreteLaplaceSampler
    // σ² = a / b; the acceptance test is Bernoulli(exp(-(|y|·b·t - a)² / (2·a·b·t²))).
    let a: ExactInteger
    let b: ExactInteger
    let t: ExactInteger
    let acceptanceDenominator: ExactInteger

    /// A sampler with `sigma > 0`.
    public init(sigma: ExactRational) {
        precondition(sigma.signum > 0, "the discrete Gaussian sigma must be positive")
        self.sigma = sigma
        let variance = sigma * sigma
        a = variance.numerator
        b = variance.denominator
        t = sigma.floor + .one
        laplace = DiscreteLaplaceSampler(scale: ExactRational(t))
        acceptanceDenominator = ExactInteger(2) * a * b * t * t
    }

    /// One draw.
    public func sample(source: RandomSource) -> ExactInteger {
        let bt = b * t
        while true {
            let y = laplace.sample(source: source)
            let offset = y.magnitude * bt - a
            if BernoulliSampler.sampleExp(
                numerator: offset * offset, denominator: acceptanceDenominator, source: source)
            {
                return y
            }
        }
    }

    /// `count` independent draws as machine integers (saturating, as for the Laplace sampler).
    public func samples(count: Int, source: RandomSource) -> [Int] {
        (0..<count).map { _ in sample(source: source).saturatingInt }
    }
}
