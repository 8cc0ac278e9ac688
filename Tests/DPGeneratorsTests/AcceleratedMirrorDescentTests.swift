import DPRandomness
import Foundation
import Testing

@testable import DPGenerators

/// The accelerated estimator minimises the same loss as mirror descent, faster per step, and
/// the quantities its step search reads off the small tables equal their definitions.
@Suite struct AcceleratedMirrorDescentTests {
    static let domain = [3, 4, 2, 5, 3]
    static let sets: [[Int]] = [[0, 1], [1, 2, 3], [3, 4], [0, 4], [2]]

    /// Noisy marginals of a random model: consistent counts plus seeded Gaussian-like noise.
    static func measurements(seed: UInt64, sigma: Double) -> [NoisyMarginal] {
        let tree = JunctionTree(domain: domain, cliques: sets)
        let truth = GraphicalModel(tree: tree, total: 5000).withRandomPotentials(seed: seed, spread: 2)
        let marginals = truth.cliqueMarginals()
        let source = RandomSource.seeded(seed + 1)
        return sets.map { set in
            let values = truth.marginal(set, cliqueMarginals: marginals)!.values.map { value in
                // A sum of 12 uniforms minus 6: mean 0, variance 1.
                value + sigma
                    * ((0..<12).reduce(0.0) { sum, _ in sum + Double(source.uniform(below: 1 << 20)) / Double(1 << 20) }
                        - 6)
            }
            return NoisyMarginal(attributes: set, values: values, sigma: sigma)
        }
    }

    static func loss(_ model: GraphicalModel, _ measurements: [NoisyMarginal]) -> Double {
        let objective = MeasurementLoss(measurements: measurements, tree: model.tree)
        return objective.evaluate(objective.project(model.cliqueMarginals())).loss
    }

    @Test func logPartitionEqualsTheSumOverEveryCell() {
        let tree = JunctionTree(domain: Self.domain, cliques: Self.sets)
        let model = GraphicalModel(tree: tree, total: 1).withRandomPotentials(seed: 5, spread: 3)
        let sum = GraphicalModelTests.bruteForceLogWeights(model, domain: Self.domain).reduce(0) { $0 + exp($1) }
        let (_, logPartition) = model.cliqueMarginalsAndLogPartition()
        #expect(abs(logPartition - Foundation.log(sum)) < 1e-12 * abs(Foundation.log(sum)) + 1e-12)
    }

    /// The divergence the step search reads from two log-partitions and the measurement tables
    /// is KL(p′ ‖ p) in counts, computed here from the two models' full joints.
    @Test func divergenceFromTheTablesEqualsTheJointsKL() {
        let measurements = Self.measurements(seed: 3, sigma: 20)
        let tree = JunctionTree(domain: Self.domain, cliques: Self.sets)
        let model = GraphicalModel(tree: tree, total: 5000).withRandomPotentials(seed: 8, spread: 1)
        let objective = MeasurementLoss(measurements: measurements, tree: tree)
        let (marginals, logPartition) = model.cliqueMarginalsAndLogPartition()
        let residuals = objective.evaluate(objective.project(marginals)).residuals
        let size = 1e-4
        var trial = model.potentials
        objective.step(&trial, residuals: residuals, size: size)
        let (trialMarginals, trialLogPartition) = model.cliqueMarginalsAndLogPartition(potentials: trial)
        let fromTables =
            -size * AcceleratedMirrorDescent.inner(objective.project(trialMarginals), residuals)
            + model.total * (logPartition - trialLogPartition)
        let before = GraphicalModelTests().bruteForceJoint(model, domain: Self.domain)
        var moved = model
        moved.potentials = trial
        let after = GraphicalModelTests().bruteForceJoint(moved, domain: Self.domain)
        let exact = model.total * zip(after, before).reduce(0.0) { $0 + ($1.0 > 0 ? $1.0 * log($1.0 / $1.1) : 0) }
        #expect(exact > 0)
        #expect(abs(fromTables - exact) < 1e-6 * exact)
    }

    /// Both estimators minimise one loss: with many steps they reach the same minimum, from a
    /// cold start and from a warm one. (How many fewer steps acceleration needs is a matter of
    /// the problem's size and conditioning: the AIM benchmarks measure it.)
    @Test func reachesTheMinimumMirrorDescentReaches() {
        let measurements = Self.measurements(seed: 11, sigma: 5)
        let minimum = Self.loss(
            MirrorDescentEstimator(iterations: 20000).estimate(domain: Self.domain, measurements: measurements),
            measurements)
        let cold = AcceleratedMirrorDescent(iterations: 200_000).estimate(
            domain: Self.domain, measurements: measurements)
        #expect(abs(Self.loss(cold, measurements) - minimum) < 1e-3 * minimum)
        let start = MirrorDescentEstimator(iterations: 30).estimate(domain: Self.domain, measurements: measurements)
        let startLoss = Self.loss(start, measurements)
        let warm = AcceleratedMirrorDescent(iterations: 200_000).estimate(
            domain: Self.domain, measurements: measurements, warmStart: start)
        #expect(startLoss > 2 * minimum)
        #expect(abs(Self.loss(warm, measurements) - minimum) < 1e-3 * minimum)
        #expect(warm.stepSize == start.stepSize)
        // A fit of no length is the warm start.
        let none = AcceleratedMirrorDescent(iterations: 0).estimate(
            domain: Self.domain, measurements: measurements, warmStart: start)
        #expect(none.potentials == start.potentials)
    }
}
