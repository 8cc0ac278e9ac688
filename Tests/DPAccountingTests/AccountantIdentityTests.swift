import Foundation
import Testing

@testable import DPAccounting

/// Identities that hold whatever any reference says.
@Suite struct AccountantIdentityTests {
    @Test func fullBatchRDPIsThePlainGaussian() {
        for alpha in [1.5, 2, 7.3, 64] {
            let rdp = RDPAccountant.subsampledGaussianRDP(order: alpha, samplingRate: 1, noiseMultiplier: 1.3)
            #expect(abs(rdp - alpha / (2 * 1.3 * 1.3)) < 1e-15)
        }
    }

    @Test(arguments: [(0.01, 1.0), (0.2, 0.7), (0.001, 2.0), (0.5, 0.5)])
    func quadratureAgreesWithTheBinomialSumAtIntegerOrders(q: Double, sigma: Double) {
        for alpha in [2, 3, 10, 32] {
            let exact = RDPAccountant.logAIntegerOrder(alpha, q: q, sigma: sigma)
            let numeric = RDPAccountant.logAByQuadrature(Double(alpha), q: q, sigma: sigma)
            #expect(abs(exact - numeric) <= 1e-9 * abs(exact) + 1e-14, "alpha \(alpha): \(exact) vs \(numeric)")
        }
    }

    @Test func rdpAgreesWithAHighPrecisionQuadrature() {
        // log A_4.1 / 3.1 for q 0.01, sigma 1 by mpmath quadrature at 40 digits.
        let rdp = RDPAccountant.subsampledGaussianRDP(order: 4.1, samplingRate: 0.01, noiseMultiplier: 1)
        #expect(abs(rdp - 0.0003733633323874271962) <= 1e-12 * 0.00037336)
    }

    @Test func rdpStaysFiniteAndMonotoneAtSmallOrdersWhereSeriesFail() {
        // Large q and small sigma: the regime where dp_accounting's series drops orders 1.1-1.5.
        var previous = 0.0
        for alpha in stride(from: 1.1, through: 2.0, by: 0.1) {
            let rdp = RDPAccountant.subsampledGaussianRDP(order: alpha, samplingRate: 0.5, noiseMultiplier: 0.3)
            #expect(rdp.isFinite && rdp > previous)
            previous = rdp
        }
    }

    @Test func epsilonGrowsWithStepsAndRateAndShrinksWithNoise() throws {
        func epsilon(_ q: Double, _ sigma: Double, _ steps: Int, _ kind: NoiseCalibration.Accountant) throws -> Double {
            try NoiseCalibration.epsilon(
                samplingRate: q, noiseMultiplier: sigma, steps: steps, delta: 1e-5, accountant: kind)
        }
        for kind in NoiseCalibration.Accountant.allCases {
            #expect(try epsilon(0.01, 1, 100, kind) < epsilon(0.01, 1, 200, kind))
            #expect(try epsilon(0.01, 1, 100, kind) < epsilon(0.02, 1, 100, kind))
            #expect(try epsilon(0.01, 1, 100, kind) > epsilon(0.01, 1.5, 100, kind))
        }
    }

    @Test(arguments: [0.8, 1.0, 2.0, 5.0])
    func pldOfTheFullBatchGaussianUpperBoundsTheExactCurve(sigma: Double) throws {
        var accountant = PLDAccountant()
        try accountant.composeSubsampledGaussian(samplingRate: 1, noiseMultiplier: sigma, steps: 1)
        let exact = AnalyticGaussian.epsilon(delta: 1e-5, sigma: sigma)
        let pld = try accountant.epsilon(delta: 1e-5)
        #expect(pld >= exact * (1 - 1e-9))
        #expect(pld <= exact * 1.01)
    }

    @Test func pldOfComposedFullBatchGaussiansMatchesOneGaussian() throws {
        // k Gaussians with noise σ compose to one with noise σ/√k exactly.
        var accountant = PLDAccountant()
        try accountant.composeSubsampledGaussian(samplingRate: 1, noiseMultiplier: 4, steps: 16)
        let exact = AnalyticGaussian.epsilon(delta: 1e-6, sigma: 1)
        let pld = try accountant.epsilon(delta: 1e-6)
        #expect(pld >= exact * (1 - 1e-9) && pld <= exact * 1.01)
    }

    /// A noise multiplier far below 1 spreads the loss beyond the PLD grid: a one-line refusal,
    /// not a trap (σ 1e-9) or memory exhausted (σ 0.01, 10 steps). Calibration treats such a σ as
    /// missing the target. Found by a hostile pass.
    @Test func aLossTooSpreadForTheGridIsRefused() throws {
        for (sigma, steps) in [(1e-9, 1), (0.01, 10)] {
            var accountant = PLDAccountant()
            #expect(throws: PLDGridError.self, "sigma \(sigma)") {
                try accountant.composeSubsampledGaussian(samplingRate: 1, noiseMultiplier: sigma, steps: steps)
            }
        }
        let sigma = try NoiseCalibration.noiseMultiplier(
            targetEpsilon: 500, delta: 1e-5, samplingRate: 1, steps: 1, accountant: .pld)
        let achieved = try NoiseCalibration.epsilon(
            samplingRate: 1, noiseMultiplier: sigma, steps: 1, delta: 1e-5, accountant: .pld)
        #expect(achieved <= 500)
    }

    /// A step count whose loss indices overflow an Int is refused like any grid too large (it
    /// trapped at 10^15 steps), and a noise multiplier near zero leaves the RDP accountant's
    /// fractional orders unbounded instead of allocating without end (σ 1e-4 needed 60 GB).
    /// Found by a hostile pass.
    @Test func extremeCompositionsAreRefusedOrBoundedNotTrapped() throws {
        var accountant = PLDAccountant()
        #expect(throws: PLDGridError.self) {
            try accountant.composeSubsampledGaussian(
                samplingRate: 0.01, noiseMultiplier: 1, steps: 1_000_000_000_000_000)
        }
        var rdp = RDPAccountant()
        try rdp.composeSubsampledGaussian(samplingRate: 0.5, noiseMultiplier: 1e-4, steps: 1)
        #expect(try rdp.epsilon(delta: 1e-5) > 1000)
    }

    /// ε(δ) checks every interval, an empty grid point's too: masses 1/2 at losses 0 and 2 cross
    /// δ = 0.35 between 1 and 2, at 2 + ln 0.3 (the skipped point gave 0.135, found by a hostile pass).
    @Test func theCrossingBelowAnEmptyPointIsFound() {
        let pld = PrivacyLossDistribution(interval: 1, lowerIndex: 0, probabilities: [0.5, 0, 0.5], infinityMass: 0)
        #expect(abs(pld.epsilon(delta: 0.35) - (2 + log(0.3))) < 1e-12, "\(pld.epsilon(delta: 0.35))")
    }

    @Test func zcdpConversionRoundTrips() {
        for rho in [0.001, 0.05, 1.0, 8.0] {
            let epsilon = ZCDP.epsilon(rho: rho, delta: 1e-9)
            #expect(abs(ZCDP.rho(epsilon: epsilon, delta: 1e-9) - rho) < 1e-9 * rho)
            #expect(abs(ZCDP.delta(rho: rho, epsilon: epsilon) - 1e-9) < 1e-12)
        }
    }

    @Test func calibrationMeetsTheTargetWithoutOvershooting() throws {
        let sigma = try NoiseCalibration.noiseMultiplier(targetEpsilon: 1, delta: 1e-5, samplingRate: 0.01, steps: 1000)
        let achieved = try NoiseCalibration.epsilon(
            samplingRate: 0.01, noiseMultiplier: sigma, steps: 1000, delta: 1e-5, accountant: .rdp)
        #expect(achieved <= 1)
        let lessNoise = try NoiseCalibration.epsilon(
            samplingRate: 0.01, noiseMultiplier: sigma * 0.99, steps: 1000, delta: 1e-5, accountant: .rdp)
        #expect(lessNoise > 1)
    }

    /// At a tiny sampling rate the quadrature of fractional orders rounds RDP a hair below zero;
    /// such an order still pays the conversion, so ε is never below what RDP zero certifies.
    /// Found by a review: ε came out 0 for every σ.
    @Test func roundingBelowZeroStillPaysTheConversion() throws {
        let floor = RDPAccountant.epsilon(
            orders: RDPAccountant.defaultOrders, rdp: RDPAccountant.defaultOrders.map { _ in 0 }, delta: 1e-5
        ).epsilon
        #expect(floor > 0)
        for sigma in [1.0, 2, 8] {
            var rdp = RDPAccountant()
            try rdp.composeSubsampledGaussian(samplingRate: 1e-8, noiseMultiplier: sigma, steps: 1_000_000)
            #expect(try rdp.epsilon(delta: 1e-5) >= floor, "sigma \(sigma)")
        }
    }

    @Test func badInputsAreRefused() {
        var rdp = RDPAccountant()
        #expect(throws: AccountingError.self) {
            try rdp.composeSubsampledGaussian(samplingRate: 1.5, noiseMultiplier: 1, steps: 1)
        }
        #expect(throws: AccountingError.self) {
            try rdp.composeSubsampledGaussian(samplingRate: 0.1, noiseMultiplier: 0, steps: 1)
        }
        #expect(throws: AccountingError.self) {
            try rdp.composeSubsampledGaussian(samplingRate: .nan, noiseMultiplier: 1, steps: 1)
        }
        #expect(throws: AccountingError.self) { try rdp.epsilon(delta: 0) }
        var pure = PureDPAccountant()
        #expect(throws: AccountingError.self) { try pure.compose(epsilon: -1) }
    }
}
