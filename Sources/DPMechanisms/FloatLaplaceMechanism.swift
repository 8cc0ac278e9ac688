import DPAccounting
import DPRandomness

/// Laplace noise for real-valued queries that resists the floating-point attack (Mironov 2012).
///
/// The input is rounded to a dyadic grid, exact discrete Laplace noise is added in grid units,
/// and the result is rounded to a double; no floating-point noise is ever drawn.
/// Privacy: for `dimension` coordinates of joint L1 sensitivity Δ the release is
/// ((Δ + dimension·2^k) / scale)-DP, where `scale` is the requested scale rounded up to the grid
/// (Proofs/float-safe-noise.md).
public struct FloatLaplaceMechanism: Sendable {
    public static let proofDocument = "Proofs/float-safe-noise.md"

    let setup: GridNoiseSetup
    let sampler: DiscreteLaplaceSampler

    /// The grid is 2^20 times finer than the scale by default: the rounding adds `dimension` grid
    /// steps to the L1 sensitivity, about 1e-6 of the scale per coordinate.
    public static let defaultResolutionBits = 20

    public init(
        sensitivity: Double, scale: Double, dimension: Int = 1, resolutionBits: Int = defaultResolutionBits
    ) throws {
        setup = try GridNoiseSetup(
            sensitivity: sensitivity, scale: scale, scaleName: "scale", dimension: dimension,
            resolutionBits: resolutionBits)
        sampler = DiscreteLaplaceSampler(scale: ExactRational(setup.scaleUnits))
    }

    public var sensitivity: Double { setup.sensitivity }
    public var dimension: Int { setup.dimension }
    public var grid: DyadicGrid { setup.grid }
    /// The scale actually used, in grid units (at least the requested scale).
    public var scaleUnits: ExactInteger { setup.scaleUnits }

    /// The scale actually used (the request rounded up to the grid).
    public var scale: Double { grid.value(at: scaleUnits) }

    /// ε = (Δ + dimension·2^k) / scale, rounded up.
    public var privacyCost: PrivacyCost {
        let stretched = ExactRational(exactly: sensitivity)! + ExactRational(dimension) * grid.step
        return .pure(epsilon: (stretched / (ExactRational(scaleUnits) * grid.step)).doubleRoundedUp)
    }

    /// The noisy values; each input must be finite.
    package func draw(_ values: [Double], source: RandomSource) throws -> [Double] {
        try setup.release(values) { sampler.sample(source: source) }
    }

    /// The noisy values of answers given exactly (`GridNoiseSetup.release(exact:noise:)`).
    package func draw(exact values: [ExactRational], source: RandomSource) throws -> [Double] {
        try setup.release(exact: values) { sampler.sample(source: source) }
    }
}
