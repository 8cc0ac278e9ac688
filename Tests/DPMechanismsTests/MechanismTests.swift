import DPAccounting
import DPRandomness
import DPTestSupport
import Foundation
import Testing

@testable import DPMechanisms

/// Mechanisms against their exact distributions and privacy maps.
/// Statistical checks use fixed seeds; each has a false-alarm rate of 1e-4 for a fresh seed.
@Suite struct MechanismTests {
    static let alpha = 1e-4

    @Test func integerLaplacePrivacyMapAndNoise() throws {
        let mechanism = try IntegerLaplaceMechanism(sensitivity: 2, scale: ExactRational(4))
        #expect(mechanism.privacyCost == .pure(epsilon: 0.5))
        let source = RandomSource.seeded(1)
        let noisy = mechanism.draw([Int](repeating: 100, count: 100_000), source: source)
        var counts: [Int: Int] = [:]
        for value in noisy { counts[value - 100, default: 0] += 1 }
        let fit = GoodnessOfFit.chiSquare(
            counts: counts, total: noisy.count,
            probability: { tanh(1.0 / 8) * exp(-Double(abs($0)) / 4) }, support: -80...80)
        #expect(
            fit.statistic < GoodnessOfFit.chiSquareCritical(degreesOfFreedom: fit.degreesOfFreedom, alpha: Self.alpha))
    }

    @Test func integerLaplaceFromEpsilonSpendsExactlyEpsilon() throws {
        let mechanism = try IntegerLaplaceMechanism(sensitivity: 1, epsilon: 0.3)
        guard case .pure(let epsilon) = mechanism.privacyCost else {
            Issue.record("not pure DP")
            return
        }
        #expect(epsilon >= 0.3 && epsilon <= 0.3.nextUp.nextUp)
    }

    @Test func integerGaussianPrivacyMapAndExactCurve() throws {
        let mechanism = try IntegerGaussianMechanism(sensitivity: 1, sigma: ExactRational(5))
        #expect(mechanism.privacyCost == .zCDP(rho: 0.02))
        // For σ well above the sensitivity the discrete curve approaches the continuous one.
        let discrete = mechanism.epsilon(delta: 1e-6)
        let continuous = AnalyticGaussian.epsilon(delta: 1e-6, sigma: 5)
        #expect(abs(discrete - continuous) < 5e-3 * continuous)
        // And the exact curve is never worse than the generic zCDP conversion.
        #expect(discrete <= ZCDP.epsilon(rho: 1.0 / 50, delta: 1e-6))
    }

    @Test func floatLaplaceNoiseIsLaplaceAndOnTheGrid() throws {
        let mechanism = try FloatLaplaceMechanism(sensitivity: 1, scale: 2.5)
        #expect(mechanism.scale >= 2.5 && mechanism.scale < 2.5 * (1 + 1e-5))
        let source = RandomSource.seeded(2)
        let input = 0.1
        let outputs = try (0..<20_000).map { _ in try mechanism.draw([input], source: source)[0] }
        let step = Double(sign: .plus, exponent: mechanism.grid.exponent, significand: 1)
        #expect(outputs.allSatisfy { ($0 / step).rounded() == $0 / step })
        let noise = outputs.map { $0 - input }
        let b = mechanism.scale
        let distance = GoodnessOfFit.kolmogorovSmirnov(noise) { x in x < 0 ? 0.5 * exp(x / b) : 1 - 0.5 * exp(-x / b) }
        #expect(distance < GoodnessOfFit.kolmogorovSmirnovCritical(n: noise.count, alpha: Self.alpha) + 1e-4)
        guard case .pure(let epsilon) = mechanism.privacyCost else {
            Issue.record("not pure DP")
            return
        }
        #expect(epsilon >= 1 / mechanism.scale && epsilon < 1 / mechanism.scale * (1 + 1e-5))
    }

    @Test func floatGaussianNoiseIsGaussian() throws {
        let mechanism = try FloatGaussianMechanism(sensitivity: 1, sigma: 3)
        let source = RandomSource.seeded(3)
        let outputs = try (0..<20_000).map { _ in try mechanism.draw([-7.25], source: source)[0] }
        let sigma = mechanism.sigma
        let distance = GoodnessOfFit.kolmogorovSmirnov(outputs.map { $0 + 7.25 }) {
            0.5 * erfc(-$0 / (sigma * 2.0.squareRoot()))
        }
        #expect(distance < GoodnessOfFit.kolmogorovSmirnovCritical(n: outputs.count, alpha: Self.alpha) + 1e-4)
        guard case .zCDP(let rho) = mechanism.privacyCost else {
            Issue.record("not zCDP")
            return
        }
        #expect(rho >= 1 / 18 && rho < 1 / 18 * 1.001)
        let epsilon = mechanism.epsilon(delta: 1e-5)
        #expect(abs(epsilon - AnalyticGaussian.epsilon(delta: 1e-5, sigma: 3)) < 2e-3 * epsilon)
    }

    @Test func floatMechanismsRejectBadInput() {
        #expect(throws: MechanismError.self) { try FloatLaplaceMechanism(sensitivity: 1, scale: 0) }
        #expect(throws: MechanismError.self) { try FloatLaplaceMechanism(sensitivity: 1, scale: .nan) }
        #expect(throws: MechanismError.self) { try FloatGaussianMechanism(sensitivity: -1, sigma: 1) }
        #expect(throws: MechanismError.self) { try FloatGaussianMechanism(sensitivity: 1, sigma: .infinity) }
        #expect(throws: MechanismError.self) {
            try FloatLaplaceMechanism(sensitivity: 1, scale: 1).draw([.nan], source: .seeded(1))
        }
        #expect(throws: MechanismError.self) { try ExponentialMechanism(epsilon: 0, sensitivity: 1) }
    }

    @Test func exponentialMechanismSelectsWithExactProbabilities() throws {
        let scores = [0.0, 1.0, 2.5, -3.0, 2.5, 0.7]
        let mechanism = try ExponentialMechanism(epsilon: 1.2, sensitivity: 1)
        let source = RandomSource.seeded(4)
        var counts: [Int: Int] = [:]
        let draws = 60_000
        for _ in 0..<draws { counts[try mechanism.draw(scores: scores, source: source), default: 0] += 1 }
        let weights = scores.map { exp(1.2 * $0 / 2) }
        let total = weights.reduce(0, +)
        let fit = GoodnessOfFit.chiSquare(
            counts: counts, total: draws, probability: { weights[$0] / total }, support: 0...5)
        #expect(
            fit.statistic < GoodnessOfFit.chiSquareCritical(degreesOfFreedom: fit.degreesOfFreedom, alpha: Self.alpha))
        #expect(mechanism.zCDPCost == .zCDP(rho: (1.44 / 8).nextUp))
        #expect(throws: MechanismError.self) { try mechanism.draw(scores: [1, .infinity], source: source) }
    }
}

@Suite struct DyadicGridFastPathTests {
    /// The double-arithmetic rounding agrees with the exact rational one, ties and edges included.
    @Test func fastGridRoundingEqualsExactRounding() {
        let source = RandomSource.seeded(77)
        for exponent in [-40, -16, -3, 0, 5, 30] {
            let grid = DyadicGrid(
                scale: Double(sign: .plus, exponent: exponent + 16, significand: 1), resolutionBits: 16)
            let step = Double(sign: .plus, exponent: grid.exponent, significand: 1)
            var values: [Double] = [
                0, -0.0, step / 2, -step / 2, 1.5 * step, -1.5 * step, step * 0x1p61, -step * 0x1p61,
            ]
            for _ in 0..<2000 {
                let magnitude =
                    Double(source.nextUInt64() >> 11) * 0x1p-53 * step * Double(1 << (source.nextUInt64() % 40))
                values.append(source.nextBit() ? magnitude : -magnitude)
            }
            for value in values {
                let exact = (ExactRational(exactly: value)! / grid.step).roundedToNearest
                if let fast = grid.fastIndex(of: value) {
                    #expect(ExactInteger(fast) == exact, "\(value) at 2^\(grid.exponent)")
                }
                #expect(grid.index(of: value) == exact)
                let back = (ExactRational(exact) * grid.step).doubleValue
                if let fast = exact.int.flatMap(grid.fastValue(at:)) { #expect(fast == back) }
            }
        }
    }
}

@Suite struct ChargedReleaseTests {
    /// A refused charge releases nothing: the budget is unchanged and no output exists.
    @Test func aRefusedChargeReleasesNothing() throws {
        let budget = try PrivacyOdometer(epsilon: 0.5, delta: 0)
        let mechanism = try IntegerLaplaceMechanism(sensitivity: 1, epsilon: 1)
        #expect(throws: AccountingError.self) {
            _ = try mechanism.release([10, 20], chargingTo: budget, source: .seeded(1))
        }
        #expect(budget.charges.isEmpty)
        let affordable = try IntegerLaplaceMechanism(sensitivity: 1, epsilon: 0.5)
        let noisy = try affordable.release([10, 20], chargingTo: budget, source: .seeded(1))
        #expect(noisy.count == 2)
        #expect(budget.charges.map(\.cost) == [affordable.privacyCost])
    }

    /// Input a mechanism cannot release (a non-finite value, too many values, no candidates) is
    /// refused before the charge: the budget records nothing.
    @Test func inputThatCannotBeReleasedCostsNothing() throws {
        let budget = try PrivacyOdometer(epsilon: 100, delta: 1e-6)
        let gaussian = try FloatGaussianMechanism(sensitivity: 1, sigma: 2, dimension: 2)
        let laplace = try FloatLaplaceMechanism(sensitivity: 1, scale: 2, dimension: 2)
        let selection = try ExponentialMechanism(epsilon: 0.5, sensitivity: 1)
        #expect(throws: MechanismError.self) {
            try gaussian.release([1, .nan], chargingTo: budget, source: .seeded(1))
        }
        #expect(throws: MechanismError.self) {
            try gaussian.release([1, 2, 3], chargingTo: budget, source: .seeded(1))
        }
        #expect(throws: MechanismError.self) {
            try laplace.release([.infinity], chargingTo: budget, source: .seeded(1))
        }
        #expect(throws: MechanismError.self) {
            try selection.select(
                scores: [], chargingTo: budget, cost: selection.privacyCost, label: "t", source: .seeded(1))
        }
        #expect(throws: MechanismError.self) {
            try selection.select(
                scores: [1, .nan], chargingTo: budget, cost: selection.privacyCost, label: "t", source: .seeded(1))
        }
        #expect(budget.charges.isEmpty)
    }

    @Test func exponentialSelectionChargesTheCostItIsGiven() throws {
        let budget = try PrivacyOdometer(epsilon: 5, delta: 1e-6)
        let mechanism = try ExponentialMechanism(epsilon: 0.5, sensitivity: 1)
        _ = try mechanism.select(
            scores: [1, 2, 3], chargingTo: budget, cost: mechanism.zCDPCost, label: "t", source: .seeded(2))
        #expect(budget.charges.map(\.cost) == [mechanism.zCDPCost])
        #expect(throws: MechanismError.self) {
            _ = try mechanism.select(
                scores: [1, 2], chargingTo: budget, cost: .pure(epsilon: 0.01), label: "t", source: .seeded(2))
        }
    }
}

@Suite struct VectorCurveTests {
    /// The exact scalar curve is proven for one answer only: a vector release is converted from
    /// its zCDP cost, which is never below the scalar curve.
    @Test func vectorsUseTheZCDPConversion() throws {
        let mechanism = try IntegerGaussianMechanism(sensitivity: 1, sigma: ExactRational(5))
        let scalar = mechanism.epsilon(delta: 1e-6)
        let vector = mechanism.epsilon(delta: 1e-6, dimension: 10)
        #expect(vector == mechanism.privacyCost.approximateDP(delta: 1e-6).epsilon)
        #expect(vector >= scalar)
    }
}
