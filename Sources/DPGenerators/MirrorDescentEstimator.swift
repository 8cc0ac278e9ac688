import Foundation

/// Fits a graphical model to noisy marginals (Private-PGM; McKenna, Sheldon, Miklau 2019):
/// minimises Σ ||μ_A - y_A||² / (2σ_A²) over the model's marginals μ by mirror descent on the
/// log-potentials, with a backtracking (Armijo) step size that doubles each iteration.
///
/// Post-processing of the noisy marginals only.
public struct MirrorDescentEstimator: Sendable {
    public var iterations: Int

    public init(iterations: Int = 1000) {
        self.iterations = iterations
    }

    /// The inverse-variance weighted estimate of the record count from the measurements' sums.
    public static func estimateTotal(_ measurements: [NoisyMarginal]) -> Double {
        var weightSum = 0.0
        var weighted = 0.0
        for measurement in measurements {
            let variance = measurement.sigma * measurement.sigma * Double(measurement.values.count)
            weighted += measurement.values.reduce(0, +) / variance
            weightSum += 1 / variance
        }
        return max(1, weighted / weightSum)
    }

    /// The fitted model; `tree` defaults to the junction tree of the measured sets, and
    /// `warmStart` potentials are reused where their cliques still fit.
    public func estimate(
        domain: [Int], measurements: [NoisyMarginal], tree: JunctionTree? = nil,
        warmStart: GraphicalModel? = nil
    ) -> GraphicalModel {
        let tree = tree ?? JunctionTree(domain: domain, cliques: measurements.map(\.attributes))
        var model = GraphicalModel(tree: tree, total: Self.estimateTotal(measurements))
        if let warmStart {
            for potential in warmStart.potentials {
                if let clique = tree.clique(containing: potential.attributes) {
                    model.potentials[clique].add(potential)
                }
            }
        }
        let objective = MeasurementLoss(measurements: measurements, tree: tree)
        var theta = model.potentials
        var trialTheta = theta
        var marginals = model.cliqueMarginals(potentials: theta)
        var projected = objective.project(marginals)
        var (loss, residuals) = objective.evaluate(projected)
        // A warm start begins at the first step the previous estimate's line search had to shorten
        // (halved, as each iteration first doubles it): the scale of the loss's curvature. Later
        // shortenings are kept out, since near the optimum they answer rounding noise in a flat
        // loss, and a step that only grew says nothing.
        var step = warmStart?.stepSize.map { $0 / 2 } ?? 1 / (model.total * model.total)
        var shortened: Double?
        for _ in 0..<iterations {
            step *= 2
            var trial = (marginals: marginals, projected: projected, loss: loss, residuals: residuals)
            for _ in 0..<30 {
                objective.step(theta, residuals: residuals, size: step, into: &trialTheta)
                trial.marginals = model.cliqueMarginals(potentials: trialTheta)
                trial.projected = objective.project(trial.marginals)
                (trial.loss, trial.residuals) = objective.evaluate(trial.projected)
                let decrease = MeasurementLoss.decrease(
                    residuals: residuals, before: projected, after: trial.projected)
                if loss - trial.loss >= 0.5 * step * decrease { break }
                step *= 0.5
                shortened = shortened ?? step
            }
            if trial.loss > loss { break }
            swap(&theta, &trialTheta)
            (marginals, projected, loss, residuals) = trial
        }
        model.stepSize = shortened ?? warmStart?.stepSize
        model.potentials = theta
        return model
    }
}
