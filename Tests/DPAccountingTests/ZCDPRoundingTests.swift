import Foundation
import Testing

@testable import DPAccounting

/// The zCDP conversion never reports a guarantee stronger than the one that holds: its ε and δ
/// are at least the exact CKS20 minima, computed at 60 digits with mpmath (golden-section search
/// on log(α - 1), as `ZCDP` does) and given here as the smallest double at or above each.
@Suite struct ZCDPRoundingTests {
    /// (ρ, δ, the smallest double at or above the exact ε).
    static let exactEpsilons: [(Double, Double, Double)] = [
        (0.0001, 0.001, 0.020975355701652213),
        (0.0001, 1e-06, 0.053727120634859876),
        (0.0001, 1e-09, 0.07436279311413625),
        (0.0001, 1e-12, 0.09065957114579457),
        (0.001, 0.001, 0.0903620511381331),
        (0.001, 1e-06, 0.18289537719007626),
        (0.001, 1e-09, 0.24511925387195138),
        (0.001, 1e-12, 0.29511279714950855),
        (0.01, 0.001, 0.35431848683037237),
        (0.01, 1e-06, 0.6216926545596025),
        (0.01, 1e-09, 0.8101744678675342),
        (0.01, 1e-12, 0.9638407397504477),
        (0.014973057512598833, 0.001, 0.4483699384975728),
        (0.014973057512598833, 1e-06, 0.7709940515910956),
        (0.014973057512598833, 1e-09, 0.9999999943870778),
        (0.014973057512598833, 1e-12, 1.1871385735674183),
        (0.1, 0.001, 1.3561931063669983),
        (0.1, 1e-06, 2.141938928385474),
        (0.1, 1e-09, 2.7154818867305024),
        (0.1, 1e-12, 3.1888467073825),
        (1.0, 0.001, 5.419919168219452),
        (1.0, 1e-06, 7.7662166253117215),
        (1.0, 1e-09, 9.521463671792233),
        (1.0, 1e-12, 10.98416734374194),
        (10.0, 0.001, 25.08872649069464),
        (10.0, 1e-06, 32.2216609490976),
        (10.0, 1e-09, 37.63745357791327),
        (10.0, 1e-12, 42.17984979426102),
        (1000.0, 0.001, 1162.6950313304935),
        (1000.0, 1e-06, 1231.8793230918425),
        (1000.0, 1e-09, 1284.9030364593273),
        (1000.0, 1e-12, 1329.5770757322134),
    ]

    /// (ρ, ε, the smallest double at or above the exact δ).
    static let exactDeltas: [(Double, Double, Double)] = [
        (0.01, 0.5, 3.505878060052392e-05),
        (0.1, 1.0, 0.008933245771818364),
        (1.0, 5.0, 0.0026120345066204874),
        (0.014973057512598833, 1.0, 9.99999809917826e-10),
    ]

    @Test func epsilonIsNeverBelowTheExactBound() {
        for (rho, delta, exact) in Self.exactEpsilons {
            let epsilon = ZCDP.epsilon(rho: rho, delta: delta)
            #expect(epsilon >= exact, "rho \(rho), delta \(delta): \(epsilon) < \(exact)")
            #expect(epsilon <= exact * (1 + 1e-11), "rho \(rho), delta \(delta): \(epsilon) is loose")
        }
    }

    @Test func deltaIsNeverBelowTheExactBound() {
        for (rho, epsilon, exact) in Self.exactDeltas {
            let delta = ZCDP.delta(rho: rho, epsilon: epsilon)
            #expect(delta >= exact, "rho \(rho), epsilon \(epsilon): \(delta) < \(exact)")
            #expect(delta <= exact * (1 + 1e-9), "rho \(rho), epsilon \(epsilon): \(delta) is loose")
        }
    }

    /// The ρ a budget is turned into converts back within it, and the exact ε of that ρ is within
    /// it too (`epsilonIsNeverBelowTheExactBound` bounds the exact ε by the computed one).
    @Test func rhoOfABudgetConvertsBackWithinIt() {
        for epsilon in [0.01, 0.1, 1, 3, 10] {
            for delta in [1e-3, 1e-6, 1e-9, 1e-12] {
                let rho = ZCDP.rho(epsilon: epsilon, delta: delta)
                #expect(ZCDP.epsilon(rho: rho, delta: delta) <= epsilon, "epsilon \(epsilon), delta \(delta)")
                #expect(ZCDP.epsilon(rho: rho * (1 + 1e-12), delta: delta) > epsilon * (1 - 1e-11))
            }
        }
    }
}
