import DPNumerics
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
        var total = (a - 1) * logRest + log1p(gamma * (a - 1))
        var logBinomial = log(a)
        for l in 2...alpha {
            let weight = Double(l)
            logBinomial += log(a - weight + 1) - log(weight)
            let tripled = l >= 3 ? log(3.0) : 0
            total = logAddExp(
                total, tripled + logBinomial + weight * logRate + (a - weight) * logRest + (weight - 1) * base(l))
        }
        return min(own, total / (a - 1))
    }
}
