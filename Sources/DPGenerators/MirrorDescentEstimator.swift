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
        let assigned = measurements.map { measurement -> (clique: Int, projection: Projection) in
            let clique = tree.clique(containing: measurement.attributes)!
            let attributes = tree.cliques[clique]
            return (
                clique, Projection(from: attributes, shape: attributes.map { domain[$0] }, to: measurement.attributes)
            )
        }

        func lossAndGradient(_ marginals: [Factor]) -> (Double, [Factor]) {
            var loss = 0.0
            var gradient = marginals.map {
                Factor(attributes: $0.attributes, shape: $0.shape, values: [Double](repeating: 0, count: $0.size))
            }
            for (measurement, (clique, projection)) in zip(measurements, assigned) {
                var projected = [Double](repeating: 0, count: measurement.values.count)
                let values = marginals[clique].values
                projection.index.withUnsafeBufferPointer { index in
                    for cell in 0..<values.count { projected[Int(index[cell])] += values[cell] }
                }
                let uniformWeight = 1 / (measurement.sigma * measurement.sigma)
                var difference = [Double](repeating: 0, count: projected.count)
                for cell in projected.indices {
                    let weight = measurement.cellSigmas.map { 1 / ($0[cell] * $0[cell]) } ?? uniformWeight
                    let residual = projected[cell] - measurement.values[cell]
                    loss += 0.5 * weight * residual * residual
                    difference[cell] = weight * residual
                }
                gradient[clique].add(
                    Factor(attributes: measurement.attributes, shape: projection.targetShape, values: difference),
                    projection: projection)
            }
            return (loss, gradient)
        }

        var theta = model.potentials
        var marginals = model.cliqueMarginals(potentials: theta)
        var (loss, gradient) = lossAndGradient(marginals)
        var step = 1 / (model.total * model.total)
        for _ in 0..<iterations {
            let (previousTheta, previousMarginals, previousLoss, previousGradient) = (theta, marginals, loss, gradient)
            step *= 2
            for _ in 0..<30 {
                theta = zip(previousTheta, previousGradient).map { potential, slope in
                    var updated = potential
                    for cell in updated.values.indices { updated.values[cell] -= step * slope.values[cell] }
                    return updated
                }
                marginals = model.cliqueMarginals(potentials: theta)
                (loss, gradient) = lossAndGradient(marginals)
                var decrease = 0.0
                for (slope, (before, after)) in zip(previousGradient, zip(previousMarginals, marginals)) {
                    for cell in slope.values.indices {
                        decrease += slope.values[cell] * (before.values[cell] - after.values[cell])
                    }
                }
                if previousLoss - loss >= 0.5 * step * decrease { break }
                step *= 0.5
            }
            if loss > previousLoss {
                (theta, marginals, loss, gradient) = (previousTheta, previousMarginals, previousLoss, previousGradient)
                break
            }
        }
        model.potentials = theta
        return model
    }
}
