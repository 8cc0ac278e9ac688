import Testing

@testable import DPAccounting

/// The DP-SGD accountant's ε (Poisson-subsampled discrete Gaussian, the general integer-order
/// bound, converted at each order) is rounded up: never below the exact minimum over the orders,
/// computed at 60 digits with mpmath from the same formulas, and within 1e-8 of it.
@Suite struct RDPRoundingTests {
    /// (sampling rate, noise multiplier, steps, δ, the smallest double at or above the exact ε).
    static let exactEpsilons: [(Double, Double, Int, Double, Double)] = [
        (0.01, 1.0, 1000, 1e-05, 2.4502879044213155),
        (0.005, 2.658, 4000, 1e-09, 0.9933774379499845),
        (0.004096, 1.686, 5000, 1e-06, 1.001157717295099),
        (0.1, 3.0, 100, 1e-05, 3.0095207740622536),
        (0.001, 0.8, 10000, 1e-07, 2.103529933211482),
        (0.02, 5.0, 500, 1e-09, 1.3802605614170242),
        (0.05, 1.5, 2000, 1e-06, 11.224010606570664),
        (0.0005, 1.2, 20000, 1e-08, 0.7792491707586756),
        (0.3, 10.0, 50, 1e-05, 2.51440496899815),
        (0.01, 2.0, 1, 1e-09, 0.4518086016565449),
        (0.2, 0.9, 300, 0.001, 33.425285072359706),
        (0.001, 4.0, 100000, 1e-10, 0.6238376742143287),
    ]

    @Test func dpSGDEpsilonIsNeverBelowTheExactBound() throws {
        for (rate, sigma, steps, delta, exact) in Self.exactEpsilons {
            let epsilon = try NoiseCalibration.epsilon(
                samplingRate: rate, noiseMultiplier: sigma, steps: steps, delta: delta, accountant: .rdpDiscrete)
            #expect(epsilon >= exact, "q \(rate), sigma \(sigma), steps \(steps): \(epsilon) < \(exact)")
            #expect(epsilon <= exact * (1 + 1e-8), "q \(rate), sigma \(sigma), steps \(steps): \(epsilon) is loose")
        }
    }
}
