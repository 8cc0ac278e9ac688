import Foundation

/// A graphical model as its calibrated clique marginals: everything that drawing rows and
/// answering marginals read, without the log-potentials that fitting needs. Computed once (one
/// belief propagation), it serves every draw; the potentials can go meanwhile.
///
/// Post-processing of the model only: nothing here touches private data.
public struct CalibratedModel: Sendable {
    public let tree: JunctionTree
    /// The model's total, which the marginals sum to.
    public let total: Double
    /// Each clique's marginal in counts, in the tree's clique order.
    public internal(set) var marginals: [Factor]

    /// The model these marginals are calibrated from, its log-potentials read back off them:
    /// θ_C = log μ_C − log μ_S, S the separator of C with its parent (none for a root), because a
    /// distribution on a junction tree is Π_C μ_C / Π_S μ_S (up to the total), so the model has
    /// these marginals and the distribution the potentials they were calibrated from had. Each
    /// table turns into its potential in place, so marginals and potentials are never held
    /// together; a cell whose marginal underflowed to zero gets the log of the smallest normal
    /// double, a probability far below rounding, so that no potential is infinite. `stepSize` is
    /// the model's last mirror-descent step, which the marginals do not keep.
    consuming func model(stepSize: Double?) -> GraphicalModel {
        var tables = marginals
        marginals = []
        for clique in tables.indices {
            let separator = tree.separator(clique)
            var logSeparator = separator.isEmpty ? nil : tables[clique].summed(to: separator)
            logSeparator?.takeLogarithms()
            tables[clique].takeLogarithms()
            if let logSeparator { tables[clique].add(logSeparator, scale: -1) }
        }
        var model = GraphicalModel(tree: tree, total: total, potentials: tables)
        model.stepSize = stepSize
        return model
    }
}

extension Factor {
    /// Each value replaced by its logarithm, a zero by the log of the smallest normal double.
    fileprivate mutating func takeLogarithms() {
        values.withUnsafeMutableBufferPointer { cells in
            for index in cells.indices { cells[index] = log(max(cells[index], Double.leastNormalMagnitude)) }
        }
    }
}

extension GraphicalModel {
    /// The model's calibrated clique marginals (`cliqueMarginals`), with its tree and total.
    public func calibrated() -> CalibratedModel {
        CalibratedModel(tree: tree, total: total, marginals: cliqueMarginals())
    }
}
