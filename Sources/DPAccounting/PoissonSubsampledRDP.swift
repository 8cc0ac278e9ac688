import Foundation

/// The Rényi DP of any mechanism run on a Poisson sample, from the mechanism's own RDP curve at
/// integer orders: the general upper bound of Zhu and Wang (2019, "Poisson Subsampled Rényi
/// Differential Privacy", Theorem 6). It needs nothing of the mechanism but its RDP, so it holds
/// for the discrete Gaussian that DP-SGD draws, whose RDP is α·Δ²/(2σ²) at every order
/// (Canonne, Kamath, Steinke 2020).
///
/// Privacy: an upper bound on the subsampled mechanism's RDP at each integer order ≥ 2, for
/// adding or removing one example (Proofs/dp-sgd.md).
public enum PoissonSubsampledRDP {
    public static let proofDocument = "Proofs/dp-sgd.md"

    /// The integer orders the DP-SGD accountant evaluates.
    public static let orders: [Int] = Array(2...256)

    /// ε'(α) ≤ 1/(α-1) · log[ (1-γ)^(α-1) (αγ - γ + 1) + C(α,2) γ² (1-γ)^(α-2) e^ε(2)
    ///                       + 3 Σ_{l=3..α} C(α,l) γ^l (1-γ)^(α-l) e^((l-1) ε(l)) ],
    /// never above the base mechanism's own ε(α) (subsampling does not weaken a guarantee).
    public static func bound(order alpha: Int, samplingRate gamma: Double, base: (Int) -> Double) -> Double {
        precondition(alpha >= 2 && gamma >= 0 && gamma <= 1, "an integer order >= 2 and a rate in [0, 1]")
        if gamma == 0 { return 0 }
        let own = base(alpha)
        if gamma == 1 { return own }
        let a = Double(alpha)
        let logRate = log(gamma)
        let logRest = log1p(-gamma)
        var terms = [(a - 1) * logRest + log1p(gamma * (a - 1))]
        terms.append(logBinomial(alpha, 2) + 2 * logRate + (a - 2) * logRest + base(2))
        if alpha >= 3 {
            for l in 3...alpha {
                let weight = Double(l)
                terms.append(
                    log(3) + logBinomial(alpha, l) + weight * logRate + (a - weight) * logRest + (weight - 1) * base(l))
            }
        }
        return min(own, logSumExp(terms) / (a - 1))
    }

    /// The RDP curve, at `orders`, of `steps` compositions of the Poisson-subsampled mechanism.
    public static func composed(samplingRate gamma: Double, steps: Int, base: (Int) -> Double) -> [Double] {
        orders.map { Double(steps) * bound(order: $0, samplingRate: gamma, base: base) }
    }

    static func logBinomial(_ n: Int, _ k: Int) -> Double {
        lgamma(Double(n + 1)) - lgamma(Double(k + 1)) - lgamma(Double(n - k + 1))
    }

    static func logSumExp(_ values: [Double]) -> Double {
        guard let top = values.max(), top.isFinite else { return values.max() ?? -.infinity }
        return top + log(values.reduce(0) { $0 + exp($1 - top) })
    }
}
