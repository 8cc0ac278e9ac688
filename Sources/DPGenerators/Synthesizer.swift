import DPAccounting
import DPData
import DPLedger
import DPRandomness
import Foundation

/// The marginal-based generators behind one entry point.
///
/// Privacy: a run is (ε, δ)-DP: ε and δ convert to ρ by CKS20, every step is charged to the
/// ledger before it draws, and the run refuses to start if the ledger cannot afford ρ
/// (Proofs/marginal-generators.md).
public enum Synthesizer {
    public static let proofDocument = "Proofs/marginal-generators.md"

    public enum Method: String, Sendable, CaseIterable {
        case aim, mst, independent
    }

    /// Fits `method` to `data` with budget (epsilon, delta), charging `ledger` under `dataset`.
    public static func fit(_ method: Method, data: EncodedDataset, epsilon: Double, delta: Double, ledger: BudgetLedger,
                           dataset: String, source: RandomSource, iterations: Int = 1000, workload: [[Int]]? = nil,
                           progress: (String) -> Void = { _ in }) throws -> SynthesisModel {
        guard epsilon.isFinite, epsilon > 0 else { throw GeneratorError.invalid("epsilon must be a positive finite number (got \(epsilon))") }
        guard delta.isFinite, delta > 0, delta < 1 else {
            throw GeneratorError.invalid("delta must lie strictly between 0 and 1 (got \(delta)); marginal generators account in zCDP")
        }
        let rho = ZCDP.rho(epsilon: epsilon, delta: delta)
        guard try ledger.wouldAccept(dataset: dataset, cost: .zCDP(rho: rho)) else {
            let statement = try ledger.statement(dataset: dataset)
            let left = try largestEpsilon(fitting: ledger, dataset: dataset, delta: delta, below: epsilon)
            throw GeneratorError.budget("dataset '\(dataset)' has spent epsilon \(statement.spent.epsilon) of \(statement.totalEpsilon) "
                + "(delta \(statement.totalDelta)); a \(method.rawValue) run at (\(epsilon), \(delta)) does not fit. "
                + (left > 0 ? String(format: "The most that still fits is epsilon %.4g at this delta: lower --epsilon to it, "
                                            + "or declare a new dataset budget.", left)
                            : "Nothing is left at this delta: declare a new dataset budget."))
        }
        let session = MeasurementSession(data: data, ledger: ledger, dataset: dataset, rhoBudget: rho, method: method.rawValue, source: source)
        switch method {
        case .aim: return try AIM(workload: workload, finalIterations: iterations).fit(session: session, progress: progress)
        case .mst: return try MST(iterations: iterations).fit(session: session, progress: progress)
        case .independent: return try IndependentMarginals().fit(session: session, progress: progress)
        }
    }

    /// The largest epsilon (at `delta`, below `limit`) whose zCDP cost the ledger would still accept, to 4 significant digits.
    static func largestEpsilon(fitting ledger: BudgetLedger, dataset: String, delta: Double, below limit: Double) throws -> Double {
        var low = 0.0, high = limit
        for _ in 0..<40 where high - low > 1e-4 * high {
            let middle = (low + high) / 2
            if try ledger.wouldAccept(dataset: dataset, cost: .zCDP(rho: ZCDP.rho(epsilon: middle, delta: delta))) { low = middle } else { high = middle }
        }
        return low
    }
}
