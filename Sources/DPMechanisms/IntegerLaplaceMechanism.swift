import DPAccounting
import DPRandomness

/// Adds exact discrete Laplace noise to integer queries.
///
/// Privacy: for queries whose L1 sensitivity is `sensitivity`, the release is
/// (sensitivity / scale)-DP (Proofs/discrete-laplace.md).
public struct IntegerLaplaceMechanism: Sendable {
    public static let proofDocument = "Proofs/discrete-laplace.md"

    public let sensitivity: Int
    public let scale: ExactRational
    let sampler: DiscreteLaplaceSampler

    public init(sensitivity: Int, scale: ExactRational) throws {
        guard sensitivity >= 0 else { throw MechanismError("sensitivity must be non-negative (got \(sensitivity))") }
        guard scale.signum > 0 else { throw MechanismError("scale must be positive (got \(scale))") }
        try IntegerNoiseBound.check(scale, "scale")
        self.sensitivity = sensitivity
        self.scale = scale
        self.sampler = DiscreteLaplaceSampler(scale: scale)
    }

    /// The mechanism that spends exactly `epsilon` (scale = sensitivity / epsilon, exactly).
    public init(sensitivity: Int, epsilon: Double) throws {
        let exactEpsilon = try ExactRational.positiveParameter(epsilon, "epsilon")
        guard sensitivity > 0 else {
            throw MechanismError("sensitivity must be positive to calibrate to an epsilon (got \(sensitivity))")
        }
        try self.init(sensitivity: sensitivity, scale: ExactRational(sensitivity) / exactEpsilon)
    }

    /// ε = sensitivity / scale.
    public var privacyCost: PrivacyCost {
        .pure(epsilon: (ExactRational(sensitivity) / scale).doubleRoundedUp)
    }

    /// The noisy answers to a vector of integer queries with joint L1 sensitivity `sensitivity`.
    package func draw(_ values: [Int], source: RandomSource) -> [Int] {
        values.map { value in (ExactInteger(value) + sampler.sample(source: source)).saturatingInt }
    }
}
