import DPAccounting
import DPData
import DPGenerators
import DPLedger
import DPRandomness
import DPSynthesis

/// The marginal methods, for tests that fit one directly.
public enum MarginalMethod: Sendable, CaseIterable {
    case aim, mst, independent
}

/// Fits a marginal method through the checked entry point every command uses, charging `dataset`'s
/// budget in `ledger`.
public func fitMarginal(
    _ method: MarginalMethod, data: any PrivateTable, epsilon: Double, delta: Double, ledger: BudgetLedger,
    dataset: String, source: RandomSource, iterations: Int? = nil, workload: [[Int]]? = nil
) throws -> SynthesisModel {
    var settings = GeneratorSettings()
    settings.iterations = iterations
    let generator: any Generator
    switch method {
    case .aim:
        settings.workload = workload
        generator = try AIMGenerator(settings: settings)
    case .mst: generator = try MSTGenerator(settings: settings)
    case .independent: generator = try IndependentGenerator(settings: settings)
    }
    let request = FitRequest(
        data: data, epsilon: epsilon, delta: delta, budget: ledger.budget(for: dataset), source: source)
    return try generator.checkedFit(request) as! SynthesisModel
}

/// A receipt from a generous in-memory budget, for tests of mechanisms that a caller pays for
/// once (`release(_:paidBy:source:)`).
public func testReceipt() throws -> ChargeReceipt {
    try PrivacyOdometer(epsilon: 1e9, delta: 0.5).charge(
        Charge(mechanism: "test", cost: .pure(epsilon: 1), seeded: true))
}
