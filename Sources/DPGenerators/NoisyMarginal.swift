/// A marginal of the private data released with Gaussian noise: the post-processing input of
/// every marginal-based generator.
public struct NoisyMarginal: Sendable, Codable, Equatable {
    /// Sorted attribute indices.
    public let attributes: [Int]
    /// Noisy counts in row-major order of `attributes`.
    public let values: [Double]
    /// The standard deviation of the noise on each count.
    public let sigma: Double
    /// Per-cell standard deviations when cells differ (a merged cell sums several noisy counts).
    public let cellSigmas: [Double]?

    public init(attributes: [Int], values: [Double], sigma: Double, cellSigmas: [Double]? = nil) {
        self.attributes = attributes
        self.values = values
        self.sigma = sigma
        self.cellSigmas = cellSigmas
    }
}
