/// What every estimator of a graphical model does around its own iterations: the fit runs in the
/// estimation order's names (`EstimationOrder`), on the junction tree of the measured sets
/// unless one is given, starting from zero potentials or from a previous model's where their
/// cliques still fit, plus any `adjustments` (log factors on measured sets), and the fitted
/// potentials are renamed back at the end.
///
/// Post-processing of the noisy measurements only.
struct WorkingFit {
    /// The tree in the caller's names.
    let tree: JunctionTree
    let order: EstimationOrder
    /// The model on the working tree; its potentials live in `theta` during the fit.
    let model: GraphicalModel
    let objective: MeasurementLoss
    /// The log-potentials being fitted, one per clique of the working tree.
    var theta: [Factor]
    /// The step the warm start's estimate ended with, if any.
    let warmStep: Double?

    /// A caller that passes its last model with `consume` lets its tables go once they are copied in.
    init(
        domain: [Int], measurements: [NoisyMarginal], tree: JunctionTree?, warmStart: consuming GraphicalModel?,
        adjustments: [Factor] = []
    ) {
        let tree = tree ?? JunctionTree(domain: domain, cliques: measurements.map(\.attributes))
        let order = EstimationOrder(domain: domain)
        let working = order.isIdentity ? tree : tree.relabeled(order.label)
        warmStep = warmStart?.stepSize
        // A clique's table is made when a warm-start potential first lands in it (the rest start
        // at zero at the end), so the new tables grow as the old ones go rather than beside them.
        var started = [Factor?](repeating: nil, count: working.cliques.count)
        if var potentials = warmStart?.potentials {
            warmStart = nil
            for index in potentials.indices {
                let potential = order.renamed(potentials[index], toWorking: true)
                potentials[index].values = []
                if let clique = working.clique(containing: potential.attributes) {
                    if started[clique] == nil {
                        started[clique] = Factor(
                            attributes: working.cliques[clique], domain: working.domain, filledWith: 0)
                    }
                    started[clique]!.add(potential)
                }
            }
        }
        for adjustment in adjustments {
            let potential = order.renamed(adjustment, toWorking: true)
            guard let clique = working.clique(containing: potential.attributes) else { continue }
            if started[clique] == nil {
                started[clique] = Factor(attributes: working.cliques[clique], domain: working.domain, filledWith: 0)
            }
            started[clique]!.add(potential)
        }
        var model = GraphicalModel(
            tree: working, total: MirrorDescentEstimator.estimateTotal(measurements),
            potentials: working.cliques.indices.map { clique in
                started[clique].take()
                    ?? Factor(attributes: working.cliques[clique], domain: working.domain, filledWith: 0)
            })
        objective = MeasurementLoss(measurements: measurements.map(order.renamed), tree: working)
        theta = model.potentials
        model.potentials = []
        (self.tree, self.order, self.model) = (tree, order, model)
    }

    /// The fitted model in the caller's names, remembering `step` for a later warm start; the
    /// working potentials go as they are renamed.
    mutating func finish(step: Double?) -> GraphicalModel {
        var restored: [Factor] = []
        for index in theta.indices {
            restored.append(order.renamed(theta[index], toWorking: false))
            theta[index].values = []
        }
        var fitted = GraphicalModel(tree: tree, total: model.total, potentials: restored)
        fitted.stepSize = step
        return fitted
    }
}
