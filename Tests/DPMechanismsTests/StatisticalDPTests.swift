import DPMechanisms
import DPRandomness
import DPTestSupport
import Foundation
import Testing

/// Statistical tests of the privacy curve (`PrivacyCurveCheck`): each mechanism runs many times
/// on two neighbouring inputs and every threshold event (or every single outcome, for a
/// selection) is checked against the claimed curve.
///
/// False-alarm rate: alpha = 1e-4 per test (Bonferroni over all events and both directions, in
/// `PrivacyCurveCheck`); the seeds are fixed, so each run is deterministic. Each mechanism's twin
/// with the wrong scale (noise for a larger epsilon than it claims) must be flagged, which shows
/// the test can fail.
@Suite struct StatisticalDPTests {
    static let alpha = 1e-4
    static let samples = 200_000

    static func worstViolation(
        _ first: [Double], _ second: [Double], thresholds: [Double], epsilon: Double, delta: Double
    ) -> Double {
        PrivacyCurveCheck.worstViolation(
            first, second, thresholds: thresholds, epsilon: epsilon, delta: delta, alpha: alpha)
    }

    static func integerSamples(_ draw: (Int) -> Int, input: Int) -> [Double] {
        (0..<samples).map { _ in Double(draw(input)) }
    }

    @Test func discreteLaplaceKeepsItsEpsilonAndAWrongScaleIsCaught() throws {
        let source = RandomSource.seeded(11)
        func check(_ mechanism: IntegerLaplaceMechanism, claimed epsilon: Double) -> Double {
            let draw = { (x: Int) in mechanism.draw([x], source: source)[0] }
            return Self.worstViolation(
                Self.integerSamples(draw, input: 0), Self.integerSamples(draw, input: 1),
                thresholds: (-12...12).map(Double.init), epsilon: epsilon, delta: 0)
        }
        #expect(check(try IntegerLaplaceMechanism(sensitivity: 1, epsilon: 1), claimed: 1) <= 0)
        #expect(check(try IntegerLaplaceMechanism(sensitivity: 1, epsilon: 3), claimed: 1) > 0)
    }

    @Test func discreteGaussianKeepsItsCurveAndAWrongScaleIsCaught() throws {
        let source = RandomSource.seeded(12)
        let delta = 1e-3
        let claimed = try IntegerGaussianMechanism(sensitivity: 1, sigma: ExactRational(2)).epsilon(delta: delta)
        func check(_ mechanism: IntegerGaussianMechanism) -> Double {
            let draw = { (x: Int) in mechanism.draw([x], source: source)[0] }
            return Self.worstViolation(
                Self.integerSamples(draw, input: 0), Self.integerSamples(draw, input: 1),
                thresholds: (-12...12).map(Double.init), epsilon: claimed, delta: delta)
        }
        #expect(check(try IntegerGaussianMechanism(sensitivity: 1, sigma: ExactRational(2))) <= 0)
        #expect(check(try IntegerGaussianMechanism(sensitivity: 1, sigma: ExactRational(1, 4))) > 0)
    }

    @Test func floatLaplaceKeepsItsEpsilonAndAWrongScaleIsCaught() throws {
        let source = RandomSource.seeded(13)
        func check(_ mechanism: FloatLaplaceMechanism, claimed epsilon: Double) throws -> Double {
            let samples = { (x: Double) in
                try (0..<Self.samples).map { _ in try mechanism.draw([x], source: source)[0] }
            }
            return Self.worstViolation(
                try samples(0), try samples(1), thresholds: stride(from: -8.0, through: 9.0, by: 0.5).map { $0 },
                epsilon: epsilon, delta: 0)
        }
        #expect(try check(try FloatLaplaceMechanism(sensitivity: 1, scale: 1), claimed: 1) <= 0)
        #expect(try check(try FloatLaplaceMechanism(sensitivity: 1, scale: 1.0 / 3), claimed: 1) > 0)
    }

    /// The exponential mechanism on scores that move by at most the sensitivity between the two
    /// inputs; events are the single outcomes, as thresholds on the chosen index.
    @Test func exponentialMechanismKeepsItsEpsilonAndAWrongScaleIsCaught() throws {
        let source = RandomSource.seeded(14)
        let neighbours: ([Double], [Double]) = ([0, 1, 2, 0.5], [1, 0, 1, 1.5])
        func check(_ mechanism: ExponentialMechanism, claimed epsilon: Double) throws -> Double {
            let samples = { (scores: [Double]) in
                try (0..<Self.samples).map { _ in Double(try mechanism.draw(scores: scores, source: source)) }
            }
            return Self.worstViolation(
                try samples(neighbours.0), try samples(neighbours.1), thresholds: [0, 1, 2, 3], epsilon: epsilon,
                delta: 0)
        }
        #expect(try check(try ExponentialMechanism(epsilon: 1, sensitivity: 1), claimed: 1) <= 0)
        #expect(try check(try ExponentialMechanism(epsilon: 6, sensitivity: 1), claimed: 1) > 0)
    }

    /// The float-safe Gaussian (the noise of DP-SGD) on one coordinate, against its own curve.
    @Test func floatGaussianKeepsItsCurveAndAWrongScaleIsCaught() throws {
        let source = RandomSource.seeded(15)
        let delta = 1e-3
        let claimed = try FloatGaussianMechanism(sensitivity: 1, sigma: 2).epsilon(delta: delta)
        func check(_ mechanism: FloatGaussianMechanism) throws -> Double {
            let samples = { (x: Double) in
                try (0..<Self.samples).map { _ in try mechanism.draw([x], source: source)[0] }
            }
            return Self.worstViolation(
                try samples(0), try samples(1), thresholds: stride(from: -8.0, through: 9.0, by: 0.5).map { $0 },
                epsilon: claimed, delta: delta)
        }
        #expect(try check(try FloatGaussianMechanism(sensitivity: 1, sigma: 2)) <= 0)
        #expect(try check(try FloatGaussianMechanism(sensitivity: 1, sigma: 0.5)) > 0)
    }
}
