import DPAccounting
import DPData
import Foundation

/// MST (McKenna, Miklau, Sheldon 2021): measure every one-way marginal, choose a maximum spanning
/// tree of attribute pairs with the exponential mechanism (scoring each pair by how badly the
/// independent model misses it), measure the chosen pairs, and fit a tree-structured model.
/// The budget is split in thirds, as in the paper (a table of one column spends it all on its
/// one marginal). A pair whose cells would take the model past `maxModelCells` is never a
/// candidate, so the tree can end a forest: every model a fit makes, its file can be read back.
///
/// Privacy: (ε, δ)-DP through ρ-zCDP with ρ from CKS20; every step is charged before it draws
/// (Proofs/marginal-generators.md).
public struct MST: Sendable {
    public static let proofDocument = "Proofs/marginal-generators.md"

    public var estimator: MirrorDescentEstimator
    /// The most cells the fitted model may hold (its one-way marginals and chosen pairs, over the
    /// compressed domain).
    public var maxModelCells: Int

    public init(iterations: Int = 1000, maxModelCells: Int = SynthesisModel.largestFittedCells) {
        estimator = MirrorDescentEstimator(iterations: iterations)
        self.maxModelCells = maxModelCells
    }

    public func fit(session: MeasurementSession, progress: (String) -> Void = { _ in }) throws -> SynthesisModel {
        let d = session.data.columns.count
        let rho = session.rhoRemaining
        progress("measuring \(d) one-way marginals")
        // A table of one column has no pairs to select or measure: its marginal takes all of rho.
        let measuredOneWay = try session.measure((0..<d).map { [$0] }, rho: d > 1 ? rho / 3 : rho)
        let compression = DomainCompression(oneWay: measuredOneWay)
        let oneWay = compression.compress(measuredOneWay)
        let data = compression.compress(session.data)
        guard d > 1 else {
            return SynthesisModel(
                method: "mst", session: session, compression: compression,
                model: estimator.estimate(domain: data.domain, measurements: oneWay))
        }

        progress("selecting \(d - 1) pairs")
        let independent = oneWay.map { marginal -> [Double] in
            let clipped = marginal.values.map { max(0, $0) }
            let sum = clipped.reduce(0, +)
            return sum > 0 ? clipped.map { $0 / sum } : clipped.map { _ in 1 / Double(clipped.count) }
        }
        let total = MirrorDescentEstimator.estimateTotal(oneWay)
        var pairs: [[Int]] = []
        for a in 0..<d { for b in (a + 1)..<d { pairs.append([a, b]) } }
        let exact = try data.marginals(pairs)
        let scores = zip(pairs, exact).map { pair, table -> Double in
            let (pa, pb) = (independent[pair[0]], independent[pair[1]])
            var error = ScoreSum()
            for i in 0..<pa.count {
                for j in 0..<pb.count { error.add(Double(table[i * pb.count + j]) - total * pa[i] * pb[j]) }
            }
            return error.value
        }
        let epsilonPerRound = (8 * (rho / 3) / Double(d - 1)).squareRoot()
        var component = Array(0..<d)
        func find(_ x: Int) -> Int {
            var x = x
            while component[x] != x { x = component[x] }
            return x
        }
        // Which pairs fit is read from the compressed domain, itself read from the noisy one-way
        // marginals: post-processing, so the candidates cost nothing more.
        func cells(_ pair: [Int]) -> Int { data.domain[pair[0]] * data.domain[pair[1]] }
        var modelCells = data.domain.reduce(0, +)
        var chosen: [[Int]] = []
        for round in 0..<(d - 1) {
            let candidates = pairs.indices.filter {
                find(pairs[$0][0]) != find(pairs[$0][1]) && modelCells + cells(pairs[$0]) <= maxModelCells
            }
            guard !candidates.isEmpty else {
                progress("no other pair fits the model's \(maxModelCells) cells: \(chosen.count) pairs chosen")
                break
            }
            let pick = try session.select(
                scores: candidates.map { scores[$0] }, epsilon: epsilonPerRound, sensitivity: 1,
                label: "spanning-tree edge \(round + 1)")
            let pair = pairs[candidates[pick]]
            component[find(pair[0])] = find(pair[1])
            modelCells += cells(pair)
            chosen.append(pair)
        }
        // With no pair chosen, the rest of the budget measures the one-way marginals once more.
        let sets = chosen.isEmpty ? (0..<d).map { [$0] } : chosen
        progress("measuring \(chosen.isEmpty ? "\(d) one-way marginals again" : "\(chosen.count) pairs")")
        let second = try session.measure(sets, rho: session.rhoRemaining, on: data)
        progress("estimating the model")
        let tree = JunctionTree(domain: data.domain, cliques: (oneWay + second).map(\.attributes))
        let start = TreeStart.model(
            tree: tree, domain: data.domain, oneWay: oneWay, pairs: chosen.isEmpty ? [] : second)
        return SynthesisModel(
            method: "mst", session: session, compression: compression,
            model: estimator.estimate(domain: data.domain, measurements: oneWay + second, tree: tree, warmStart: start))
    }
}

/// The baseline: every one-way marginal measured with the whole budget, attributes independent.
///
/// Privacy: ρ-zCDP for the run's ρ (Proofs/marginal-generators.md).
public struct IndependentMarginals: Sendable {
    public static let proofDocument = "Proofs/marginal-generators.md"

    public init() {}

    public func fit(session: MeasurementSession, progress: (String) -> Void = { _ in }) throws -> SynthesisModel {
        let d = session.data.columns.count
        progress("measuring \(d) one-way marginals")
        let measurements = try session.measure((0..<d).map { [$0] }, rho: session.rhoRemaining)
        var model = GraphicalModel(
            tree: JunctionTree(domain: session.data.domain, cliques: measurements.map(\.attributes)),
            total: MirrorDescentEstimator.estimateTotal(measurements))
        for measurement in measurements {
            let clique = model.tree.clique(containing: measurement.attributes)!
            let clipped = measurement.values.map { max($0, 0) }
            let sum = clipped.reduce(0, +)
            let logs = clipped.map { sum > 0 ? log(max($0, 1e-9 * sum)) : 0 }
            model.potentials[clique].add(
                Factor(attributes: measurement.attributes, shape: [measurement.values.count], values: logs))
        }
        return SynthesisModel(method: "independent", session: session, compression: nil, model: model)
    }
}
