import DPAccounting

/// What a release's report states as its guarantee: its model's fit and every gate evaluation of
/// the model's samples, as the ledger shows them paid, except that a fit which spent less than it
/// was asked for is stated at what it was asked for. A fit whose plan follows its own DP outputs
/// (DP-SGD's plan follows the noisy example count) is, as one mechanism, DP at the requested
/// epsilon, which bounds every plan it could have made, and at no less: which plan ran is itself
/// an outcome of it. The ledger keeps the smaller charges, which add up within the budget as a
/// privacy filter's do (Proofs/dp-sgd.md).
enum ReleaseGuarantee {
    /// The composed guarantee of a fit charged `fit` when asked for `requested` epsilon, and of
    /// gate evaluations charged `evaluations`, against the release's `delta`; and whether the fit
    /// is stated above what it was charged.
    static func spend(
        fit: [PrivacyCost], requested: Double, evaluations: [PrivacyCost], delta: Double
    ) -> (spend: BudgetSpend, statedAsAsked: Bool) {
        let charged = BudgetSpend(costs: fit, totalDelta: delta).epsilon
        let unspent = requested - charged
        guard unspent > requested * tolerance else {
            return (BudgetSpend(costs: fit + evaluations, totalDelta: delta), false)
        }
        return (BudgetSpend(costs: fit + [.pure(epsilon: unspent)] + evaluations, totalDelta: delta), true)
    }

    /// What the report's mechanism says when the fit is stated as asked.
    static let statedAsAskedNote =
        "the guarantee states the fit's epsilon as asked, which bounds every plan its noisy count could give; "
        + "the ledger holds what it spent"

    /// How far below the requested epsilon a fit's charges may compose before it is stated as
    /// asked: the rounding of converting a zCDP fit's rho back to epsilon.
    static let tolerance = 1e-9
}
