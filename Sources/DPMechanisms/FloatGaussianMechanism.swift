import DPAccounting
import DPRandomness

/// Gaussian noise for real-valued queries that resists the floating-point attack.
///
/// The input is rounded to a dyadic grid, exact discrete Gaussian noise is added in grid units,
/// and the result is rounded to a double.
/// Privacy: for `dimension` coordinates of joint L2 sensitivity Δ the release is
/// ((Δ + √dimension·2^k)² / (2σ²))-zCDP, σ being the requested σ rounded up to the grid
/// (Proofs/float-safe-noise.md). With `tabulated`, each draw comes from
/// `TabulatedDiscreteGaussian` and may differ from the exact one by `drawDistance` in total
/// variation, which the caller adds to δ.
public struct FloatGaussianMechanism: Sendable {
    public static let proofDocument = "Proofs/float-safe-noise.md"

    let setup: GridNoiseSetup
    let sampler: DiscreteGaussianSampler
    /// The fixed-width sampler for the same distribution, when the scale allows it.
    let integerSampler: IntegerScaleGaussian?
    /// The table sampler, when asked for.
    let tableSampler: TabulatedDiscreteGaussian?

    /// The grid is 2^16 times finer than σ by default: the rounding adds √dimension grid steps to
    /// the sensitivity, under 2^-16 σ per coordinate, while σ in grid units stays small enough
    /// for the fixed-width sampler.
    public static let defaultResolutionBits = 16

    public init(
        sensitivity: Double, sigma: Double, dimension: Int = 1, resolutionBits: Int = defaultResolutionBits
    ) throws {
        try self.init(
            sensitivity: sensitivity, sigma: sigma, dimension: dimension, resolutionBits: resolutionBits,
            tabulated: false)
    }

    /// With `tabulated`, noise comes from a table within a small total variation of the discrete
    /// Gaussian per draw, which the caller must take out of δ (`DPSGDPlan.samplerDelta`): package
    /// only, since `release(chargingTo:)` charges ρ alone.
    package init(
        sensitivity: Double, sigma: Double, dimension: Int, resolutionBits: Int, tabulated: Bool
    ) throws {
        setup = try GridNoiseSetup(
            sensitivity: sensitivity, scale: sigma, scaleName: "sigma", dimension: dimension,
            resolutionBits: resolutionBits)
        sampler = DiscreteGaussianSampler(sigma: ExactRational(setup.scaleUnits))
        let units = setup.scaleUnits.int.flatMap { UInt64(exactly: $0) }
        integerSampler = units.flatMap(IntegerScaleGaussian.init(scale:))
        if tabulated {
            guard let table = units.flatMap(TabulatedDiscreteGaussian.init(scale:)) else {
                throw MechanismError(
                    "a tabulated sampler needs sigma at most \(TabulatedDiscreteGaussian.largestScale) "
                        + "grid steps; lower resolutionBits"
                )
            }
            tableSampler = table
        } else {
            tableSampler = nil
        }
    }

    /// Total variation distance of one draw from the exact discrete Gaussian, at most (0 unless tabulated).
    public var drawDistance: Double { tableSampler?.totalVariationBound ?? 0 }

    public var sensitivity: Double { setup.sensitivity }
    public var dimension: Int { setup.dimension }
    public var grid: DyadicGrid { setup.grid }
    /// σ actually used, in grid units (at least the requested σ).
    public var sigmaUnits: ExactInteger { setup.scaleUnits }

    /// The σ actually used (the request rounded up to the grid).
    public var sigma: Double { grid.value(at: sigmaUnits) }

    /// The sensitivity in grid units after rounding, rounded up.
    var sensitivityUnits: Double {
        (sensitivity / grid.step.doubleValue).nextUp + Double(dimension).squareRoot().nextUp
    }

    /// ρ = (Δ + √n·2^k)² / (2σ²), rounded up.
    public var privacyCost: PrivacyCost {
        let ratio = sensitivityUnits / Double(sigmaUnits.saturatingInt).nextDown
        return .zCDP(rho: (ratio * ratio / 2).nextUp)
    }

    /// The smallest ε at `delta`: for one coordinate the exact discrete curve at the rounded
    /// integer sensitivity, otherwise the zCDP conversion.
    public func epsilon(delta: Double) -> Double {
        let sigmaValue = Double(sigmaUnits.saturatingInt)
        if dimension == 1, sigmaValue <= DiscreteGaussianPrivacyCurve.exactSumLimit {
            let units = Int((sensitivity / grid.step.doubleValue).nextUp.rounded(.down)) + 1
            return DiscreteGaussianPrivacyCurve(sigma: sigmaValue, sensitivity: units).epsilon(delta: delta)
        }
        return privacyCost.approximateDP(delta: delta).epsilon
    }

    /// The noisy values of answers given exactly (`GridNoiseSetup.release(exact:noise:)`).
    package func draw(exact values: [ExactRational], source: RandomSource) throws -> [Double] {
        try setup.release(exact: values) {
            guard let integerSampler else { return sampler.sample(source: source) }
            return ExactInteger(tableSampler?.sample(source: source) ?? integerSampler.sample(source: source))
        }
    }

    /// The noisy values; each input must be finite.
    package func draw(_ values: [Double], source: RandomSource) throws -> [Double] {
        guard let integerSampler else { return try setup.release(values) { sampler.sample(source: source) } }
        try setup.check(values)
        let grid = setup.grid
        return values.map { value in
            let noise = tableSampler?.sample(source: source) ?? integerSampler.sample(source: source)
            if let index = grid.fastIndex(of: value),
                case (let sum, let overflow) = index.addingReportingOverflow(noise), !overflow,
                let result = grid.fastValue(at: sum)
            {
                return result
            }
            return grid.value(at: grid.index(of: value) + ExactInteger(noise))
        }
    }
}
