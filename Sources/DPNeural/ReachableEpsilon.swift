import DPAccounting
import DPSynthesis

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
    /// Shares of a fit's epsilon that DP-SGD gets at least: DP-TVAE spends all but the noisy
    /// example count; DP-CTGAN also spends at most `conditionShare` on its conditional marginals,
    /// at half of delta.
    static func trainingShare(method: String) -> (epsilon: Double, delta: Double) {
        method == CTGANGenerator.method
            ? (1 - NoisyExampleCount.share - conditionShare, 0.5) : (1 - NoisyExampleCount.share, 1)
    }

    /// Refuses, before anything is charged, an (epsilon, delta) at which `method`'s DP-SGD plan
    /// could not be formed whatever the data (`DPSGDPlan.smallestEpsilon`), naming the least
    /// epsilon that works: otherwise the noisy example count would be charged and the run then fail.
    static func checkReachable(method: String, epsilon: Double, delta: Double) throws {
        let share = trainingShare(method: method)
        let least = DPSGDPlan.smallestEpsilon(delta: delta * share.delta) / share.epsilon
        guard epsilon > least else {
            throw GeneratorSettingsError(
                "\(method) cannot train at epsilon \(epsilon) and delta \(delta): DP-SGD's accountant certifies "
                    + "no smaller epsilon than its orders allow at this delta, whatever the noise; raise --epsilon "
                    + String(format: "above %.4g, or raise --delta", least))
        }
    }
}
