import Foundation

/// Fits a graphical model to noisy marginals like `MirrorDescentEstimator`, with the same loss
/// and the same mirror step on the log-potentials, accelerated: the universal accelerated
/// method (Nesterov 2015; Roulet and d'Aspremont 2017, Algorithm 2), as private-pgm offers it.
/// Each step takes the gradient at y = (1 − a)·x + a·z, a mix of the averaged marginals x and
/// the model's own marginals z, moves the potentials by −(s/a)·gradient, and mixes the new
/// model's marginals into x; a line search halves the step s until
/// f(x′) ≤ f(y) + ⟨∇f(y), x′ − y⟩ + (a²/s)·KL(z′ ‖ z) (in counts) and grows it by `stepGrowth`
/// after each kept step (doubles it, from a cold start, until the first failed trial).
///
/// How long to fit is part of the estimate: on noisy marginals, an estimate fitted further fits
/// the noise (a loss below what the true marginals score), and a fixed number of accelerated
/// steps fits much further than the same number of mirror-descent ones. So the fit is as long
/// as `iterations` mirror-descent steps in the distance the potentials travel: it stops once
/// Σ s/a over the kept steps reaches `iterations` times mirror descent's settled step (the warm
/// start's last step, or the step after the first failed trial), which takes far fewer steps
/// on large models.
///
/// Everything is held on the measurements' small tables but the potentials: the loss is a
/// function of the projections P·μ, which are linear, so P·x and P·y are mixes of P·z; the
/// KL divergence of two models on one junction tree is
/// ⟨z′, θ′ − θ⟩ + N·(log Z(θ) − log Z(θ′)), and θ′ − θ is −(s/a) times the gradient, so
/// ⟨z′, θ′ − θ⟩ = −(s/a)·⟨P·z′, residuals⟩. The fitted model is the last potentials (the
/// model whose marginals are z) rather than one refitted to the averaged x, whose clique
/// tables would double the memory.
///
/// Post-processing of the noisy marginals only.
public struct AcceleratedMirrorDescent: Sendable {
    /// The fit's length, in mirror-descent iterations (and the most steps it takes).
    public var iterations: Int
    /// The factor a step grows by after each kept one.
    public var stepGrowth: Double

    public init(iterations: Int, stepGrowth: Double = 1.1) {
        self.iterations = iterations
        self.stepGrowth = stepGrowth
    }

    /// The fitted model; `tree` and `warmStart` as for `MirrorDescentEstimator.estimate`. The
    /// step search begins at the warm start's last step, when it has one, and the fitted model
    /// keeps that step: a mirror-descent step, for a later warm start.
    public func estimate(
        domain: [Int], measurements: [NoisyMarginal], tree: JunctionTree? = nil,
        warmStart: consuming GraphicalModel? = nil
    ) -> GraphicalModel {
        var fit = WorkingFit(domain: domain, measurements: measurements, tree: tree, warmStart: consume warmStart)
        let (model, objective, total) = (fit.model, fit.objective, fit.model.total)
        // The marginals are projected and let go at once: only their small tables are kept.
        func projectedModel(_ theta: [Factor]) -> (projected: [[Double]], logPartition: Double) {
            let (marginals, logPartition) = model.cliqueMarginalsAndLogPartition(potentials: theta)
            return (objective.project(marginals), logPartition)
        }
        var (projectedZ, logPartition) = projectedModel(fit.theta)
        var projectedX = projectedZ
        var step = fit.warmStep ?? 1 / (total * total)
        var previous: (mix: Double, step: Double)?
        // Without a warm start's step, the step doubles until the first failed trial.
        var searching = fit.warmStep == nil
        // The potentials move by Σ (s/a)·gradient, mirror descent's by Σ s·gradient.
        var reference = fit.warmStep
        var moved = 0.0
        var kept = 0
        while kept < iterations && moved < Double(iterations) * (reference ?? .infinity) {
            let mix = previous.map { 2 / (1 + (1 + 4 * $0.step / (step * $0.mix * $0.mix)).squareRoot()) } ?? 1
            let projectedY = Self.mixed(projectedX, projectedZ, weight: mix)
            let (lossY, residuals) = objective.evaluate(projectedY)
            // The trial steps the potentials in place; a rejected one steps them back.
            objective.step(&fit.theta, residuals: residuals, size: step / mix)
            let (trialZ, trialLogPartition) = projectedModel(fit.theta)
            let trialX = Self.mixed(projectedX, trialZ, weight: mix)
            let trialLoss = objective.evaluate(trialX).loss
            let divergence =
                -step / mix * Self.inner(trialZ, residuals) + total * (logPartition - trialLogPartition)
            // ⟨∇f(y), x′ − y⟩ is −(the decrease from y to x′) on the measurement tables.
            let bound =
                lossY - MeasurementLoss.decrease(residuals: residuals, before: projectedY, after: trialX)
                + mix * mix / step * max(0, divergence)
            if trialLoss <= bound {
                (projectedZ, projectedX, logPartition) = (trialZ, trialX, trialLogPartition)
                previous = (mix, step)
                moved += step / mix
                step *= searching ? 2 : stepGrowth
                kept += 1
            } else {
                objective.step(&fit.theta, residuals: residuals, size: -step / mix)
                searching = false
                step *= 0.5
                if reference == nil { reference = step }
                // A step too small to change a potential means the loss is at its floor.
                if step * total * total < 1e-12 { break }
            }
        }
        return fit.finish(step: fit.warmStep)
    }

    /// (1 − weight)·a + weight·b, table by table.
    static func mixed(_ a: [[Double]], _ b: [[Double]], weight: Double) -> [[Double]] {
        zip(a, b).map { a, b in zip(a, b).map { (1 - weight) * $0 + weight * $1 } }
    }

    /// Σ a·b over every cell of every table.
    static func inner(_ a: [[Double]], _ b: [[Double]]) -> Double {
        var total = 0.0
        for (a, b) in zip(a, b) { for cell in a.indices { total += a[cell] * b[cell] } }
        return total
    }
}
