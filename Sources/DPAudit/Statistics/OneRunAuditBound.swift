import Foundation

/// The lower bound on epsilon of a one-run privacy audit (Steinke, Nasr and Jagielski, "Privacy
/// Auditing with One (1) Training Run", NeurIPS 2023, Theorem 5.2 and the procedure of its
/// Appendix D): m canaries, each put in the training data independently with probability 1/2;
/// the auditor guesses in or out for r of them and abstains on the rest; v guesses are right.
///
/// If the algorithm is (ε, δ)-DP, the probability of v or more right guesses is at most
/// β + 2mδ·α, where β = P[Binomial(r, q) ≥ v] with q = e^ε/(1 + e^ε) (the accuracy of ε-DP
/// randomized response) and α = max over 1 ≤ i ≤ v of P[v − i ≤ Binomial(r, q) < v] / i. An
/// observed v whose p-value is below 1 − confidence rejects (ε, δ)-DP; the bound is the largest
/// such ε (Proofs/one-run-audit.md).
public struct OneRunAuditBound: Sendable, Equatable {
    public static let proofDocument = "Proofs/one-run-audit.md"

    public let canaries: Int
    public let guesses: Int
    public let correct: Int

    public init(canaries: Int, guesses: Int, correct: Int) throws {
        guard canaries >= 1, guesses >= 0, guesses <= canaries, correct >= 0, correct <= guesses else {
            throw AuditInputError("a one-run audit needs 0 <= correct <= guesses <= canaries (and canaries >= 1)")
        }
        self.canaries = canaries
        self.guesses = guesses
        self.correct = correct
    }

    /// The probability of `correct` or more right guesses under the hypothesis that the
    /// algorithm is (epsilon, delta)-DP (Theorem 5.2).
    public func pValue(epsilon: Double, delta: Double) -> Double {
        let q = 1 / (1 + exp(-epsilon))
        let pmf = Self.binomialPMF(trials: guesses, success: q)
        let beta = pmf[correct...].reduce(0, +)
        guard delta > 0 else { return min(1, beta) }
        var alpha = 0.0
        var below = 0.0
        for i in stride(from: 1, through: correct, by: 1) {
            below += pmf[correct - i]
            alpha = max(alpha, below / Double(i))
        }
        return min(1, beta + alpha * delta * 2 * Double(canaries))
    }

    /// The largest epsilon that the observed guesses reject at `confidence` for this `delta`
    /// (0 when they reject none): bisection on the p-value, which rises as epsilon grows (an
    /// algorithm allowed more epsilon makes many right guesses likelier).
    public func epsilonLowerBound(delta: Double, confidence: Double) -> Double {
        let threshold = 1 - confidence
        guard pValue(epsilon: 0, delta: delta) < threshold else { return 0 }
        var low = 0.0
        var high = 1.0
        while pValue(epsilon: high, delta: delta) < threshold && high < 1e3 { high *= 2 }
        for _ in 0..<100 {
            let middle = (low + high) / 2
            if pValue(epsilon: middle, delta: delta) < threshold { low = middle } else { high = middle }
        }
        return low
    }

    /// P[Binomial(trials, success) = k] for every k, from log-gamma in log space.
    static func binomialPMF(trials: Int, success: Double) -> [Double] {
        let n = Double(trials)
        let logP = log(success)
        let logQ = log1p(-success)
        return (0...trials).map { k in
            let k = Double(k)
            let logChoose = lgamma(n + 1) - lgamma(k + 1) - lgamma(n - k + 1)
            let logTerm = logChoose + (k == 0 ? 0 : k * logP) + (k == n ? 0 : (n - k) * logQ)
            return exp(logTerm)
        }
    }
}
