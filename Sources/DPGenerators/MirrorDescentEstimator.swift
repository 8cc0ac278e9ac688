import Foundation

/// Fits a graphical model to noisy marginals (Private-PGM; McKenna, Sheldon, Miklau 2019):
/// minimises Σ ||μ_A - y_A||² / (2σ_A²) over the model's marginals μ by mirror descent on the
/// log-potentials. Each iteration tries one step and keeps it when it passes the Armijo test;
/// the step doubles until the first failed trial, then grows by `stepGrowth` after each kept
/// step and halves after each failed one, so a typical iteration costs one belief propagation
/// (as private-pgm's current mirror descent does), not a doubled trial and a retreat.
///
/// Post-processing of the noisy marginals only.
public struct MirrorDescentEstimator: Sendable {
    public var iterations: Int
    /// The factor a step grows by after each kept step, once the first trial has failed.
    public var stepGrowth: Double

    public init(iterations: Int = 1000, stepGrowth: Double = 1.02) {
        self.iterations = iterations
        self.stepGrowth = stepGrowth
    }

    /// The inverse-variance weighted estimate of the record count from the measurements' sums.
    public static func estimateTotal(_ measurements: [NoisyMarginal]) -> Double {
        var weightSum = 0.0
        var weighted = 0.0
        for measurement in measurements {
            // A merged cell (a compressed domain's) adds the noise of every cell it merged.
            let variance =
                measurement.cellSigmas.map { $0.reduce(0) { $0 + $1 * $1 } }
                ?? measurement.sigma * measurement.sigma * Double(measurement.values.count)
            weighted += measurement.values.reduce(0, +) / variance
            weightSum += 1 / variance
        }
        return max(1, weighted / weightSum)
    }

    /// The fitted model; `tree` defaults to the junction tree of the measured sets, and
    /// `warmStart` potentials are reused where their cliques still fit, and `adjustments` (log
    /// factors on measured sets) are added to them. A caller that passes its last model with
    /// `consume` lets its tables go once they are copied in, not at the end.
    public func estimate(
        domain: [Int], measurements: [NoisyMarginal], tree: JunctionTree? = nil,
        warmStart: consuming GraphicalModel? = nil, adjustments: [Factor] = []
    ) -> GraphicalModel {
        var fit = WorkingFit(
            domain: domain, measurements: measurements, tree: tree, warmStart: consume warmStart,
            adjustments: adjustments)
        let (model, objective, warmStep) = (fit.model, fit.objective, fit.warmStep)
        // The loop holds one copy of the potentials, `fit.theta`: a trial steps it in place and a
        // rejected trial steps it back.
        var projected = objective.project(model.cliqueMarginals(potentials: fit.theta))
        var (loss, residuals) = objective.evaluate(projected)
        // A warm start begins at the last step the previous estimate kept: the scale of the loss's
        // curvature, which one more measurement changes little. (Steps that failed after it may
        // only answer rounding noise in a loss at its floor.)
        var step = warmStep ?? 1 / (model.total * model.total)
        var kept: Double?
        var searching = true
        for _ in 0..<iterations {
            objective.step(&fit.theta, residuals: residuals, size: step)
            let trialProjected = objective.project(model.cliqueMarginals(potentials: fit.theta))
            let (trialLoss, trialResiduals) = objective.evaluate(trialProjected)
            let decrease = MeasurementLoss.decrease(residuals: residuals, before: projected, after: trialProjected)
            if loss - trialLoss >= 0.5 * step * decrease {
                (projected, loss, residuals) = (trialProjected, trialLoss, trialResiduals)
                kept = step
                step *= searching ? 2 : stepGrowth
            } else {
                objective.step(&fit.theta, residuals: residuals, size: -step)
                searching = false
                step *= 0.5
                // A step too small to change a potential means the loss is at its floor.
                if step * model.total * model.total < 1e-12 { break }
            }
        }
        return fit.finish(step: kept ?? warmStep)
    }
}
