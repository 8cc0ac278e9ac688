import DPAccounting
import DPSynthesis
import Foundation

extension DPSGDPlan {
    /// The smallest epsilon the accountant certifies at `delta` with any amount of noise: its
    /// conversion from Rényi DP at divergence zero, over its orders. It depends on delta alone,
    /// never on the data.
    public static func smallestEpsilon(delta: Double) -> Double {
        let orders = PoissonSubsampledRDP.orders.map(Double.init)
        return RDPAccountant.epsilon(orders: orders, rdp: orders.map { _ in 0 }, delta: delta).epsilon
    }
}

extension NeuralSynthesizer {
    /// The neural methods, by the part of a fit's budget their DP-SGD trains with.
    enum Training {
        case tvae, ctgan

        /// At least this share of a fit's epsilon, and this share of its delta: DP-TVAE spends
        /// all but the noisy example count's epsilon; DP-CTGAN also spends at most
        /// `conditionShare` of epsilon, and the other half of delta, on its conditional marginals.
        var share: (epsilon: Double, delta: Double) {
            switch self {
            case .tvae: return (1 - NoisyExampleCount.share, 1)
            case .ctgan: return (1 - NoisyExampleCount.share - conditionShare, 0.5)
            }
        }

        /// The epsilon at and below which no plan can be formed at `delta`, whatever the data
        /// (`DPSGDPlan.smallestEpsilon` of the training's share).
        func floor(delta: Double) -> Double { DPSGDPlan.smallestEpsilon(delta: delta * share.delta) / share.epsilon }
    }

    /// Refuses, before anything is charged, an (epsilon, delta) at which `training`'s DP-SGD plan
    /// could not be formed whatever the data, naming an epsilon above the floor (rounded up):
    /// otherwise the noisy example count would be charged and the run then fail.
    static func checkReachable(_ training: Training, method: String, epsilon: Double, delta: Double) throws {
        let floor = training.floor(delta: delta)
        // A delta so small that the training's share of it is no longer a positive double has
        // no floor to name.
        guard floor.isFinite else {
            throw GeneratorSettingsError(
                "\(method) cannot train at delta \(delta): too small for DP-SGD's accountant; raise --delta")
        }
        guard epsilon > floor else {
            throw GeneratorSettingsError(
                "\(method) cannot train at epsilon \(epsilon) and delta \(delta): DP-SGD's accountant certifies "
                    + "no smaller epsilon than its orders allow at this delta, whatever the noise; raise --epsilon "
                    + "above \(fourDigits(above: floor)), or raise --delta")
        }
    }

    /// `value` rounded up to four significant digits, for a limit a refusal names: a user who
    /// gives the number named is not refused again.
    static func fourDigits(above value: Double) -> String {
        let scale = pow(10, (log10(value)).rounded(.down) - 3)
        return String(format: "%.4g", (value / scale).rounded(.up) * scale)
    }
}
