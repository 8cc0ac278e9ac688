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
    public let marginals: [Factor]
}

extension GraphicalModel {
    /// The model's calibrated clique marginals (`cliqueMarginals`), with its tree and total.
    public func calibrated() -> CalibratedModel {
        CalibratedModel(tree: tree, total: total, marginals: cliqueMarginals())
    }
}
