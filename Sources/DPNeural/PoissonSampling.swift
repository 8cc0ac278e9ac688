import DPRandomness

/// Poisson sampling: each of n examples joins a batch independently with probability q, so the
/// batch size varies (and may be zero), as the subsampled-Gaussian accounting assumes.
/// q is used as floor(q 2^64) / 2^64, within 2^-64 of the requested rate (Proofs/dp-sgd.md).
public struct PoissonSampling: Sendable {
    public let rate: Double
    let threshold: UInt64

    public init(rate: Double) {
        precondition(rate > 0 && rate <= 1, "a sampling rate lies in (0, 1]")
        self.rate = rate
        threshold = rate >= 1 ? .max : UInt64((rate * 0x1p64).rounded(.down))
    }

    /// The indices of 0..<count that join this batch.
    public func batch(of count: Int, source: RandomSource) -> [Int] {
        var chosen: [Int] = []
        chosen.reserveCapacity(Int(Double(count) * rate * 1.2) + 8)
        for index in 0..<count where rate >= 1 || source.nextUInt64() < threshold { chosen.append(index) }
        return chosen
    }
}
