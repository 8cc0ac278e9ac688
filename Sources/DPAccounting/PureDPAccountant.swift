/// Basic composition of pure and approximate DP guarantees.
///
/// Privacy: running mechanisms that are (ε_i, δ_i)-DP in sequence is (Σε_i, Σδ_i)-DP
/// (Proofs/composition.md).
public struct PureDPAccountant: Sendable {
    public static let proofDocument = "Proofs/composition.md"

    public private(set) var epsilon: Double = 0
    public private(set) var delta: Double = 0

    public init() {}

    /// Adds one mechanism's (ε, δ).
    public mutating func compose(epsilon: Double, delta: Double = 0) throws {
        try AccountingError.require(
            epsilon.isFinite && epsilon >= 0, "epsilon must be finite and non-negative (got \(epsilon))")
        try AccountingError.require(
            delta.isFinite && delta >= 0 && delta < 1, "delta must lie in [0, 1) (got \(delta))")
        self.epsilon += epsilon
        self.delta += delta
    }
}
