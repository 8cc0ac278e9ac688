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

    public let sensitivity: Double
    public let dimension: Int
    public let grid: DyadicGrid
    /// The scale actually used, in grid units (at least the requested scale).
    public let scaleUnits: ExactInteger
    let sampler: DiscreteLaplaceSampler

    public init(sensitivity: Double, scale: Double, dimension: Int = 1, resolutionBits: Int = 20) throws {
        guard sensitivity.isFinite, sensitivity >= 0 else {
            throw MechanismError("sensitivity must be finite and non-negative (got \(sensitivity))")
        }
        _ = try ExactRational.positiveParameter(scale, "scale")
        guard dimension >= 1 else { throw MechanismError("dimension must be at least 1 (got \(dimension))") }
        self.sensitivity = sensitivity
        self.dimension = dimension
        grid = DyadicGrid(scale: scale, resolutionBits: resolutionBits)
        scaleUnits = grid.unitsCeiling(scale)
        sampler = DiscreteLaplaceSampler(scale: ExactRational(scaleUnits))
    }

    /// The scale actually used (the request rounded up to the grid).
    public var scale: Double { grid.value(at: scaleUnits) }

    /// ε = (Δ + dimension·2^k) / scale, rounded up.
    public var privacyCost: PrivacyCost {
        let stretched = ExactRational(exactly: sensitivity)! + ExactRational(dimension) * grid.step
        return .pure(epsilon: (stretched / (ExactRational(scaleUnits) * grid.step)).doubleRoundedUp)
    }

    /// The noisy values; each input must be finite.
    public func release(_ values: [Double], source: RandomSource) throws -> [Double] {
        guard values.count <= dimension else {
            throw MechanismError("this mechanism was built for \(dimension) values, got \(values.count)")
        }
        return try values.map { value in
            guard value.isFinite else { throw MechanismError("cannot add noise to a non-finite value (\(value))") }
            return grid.value(at: grid.index(of: value) + sampler.sample(source: source))
        }
    }
}
