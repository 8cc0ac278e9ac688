import DPAccounting
import DPData
import DPMechanisms
import DPRandomness
import DPSynthesis
import Foundation

/// Neural generators trained with DP-SGD under one (epsilon, delta) budget.
public enum NeuralSynthesizer {
    public static let proofDocument = "Proofs/dp-sgd.md"

    /// Training settings; `defaults(rows:)` picks them from the table size.
    public struct Settings: Sendable {
        public var epochs: Int
        public var batchSize: Int
        public var learningRate: Float
        public var clip: Double
        public var hidden: Int
        public var latent: Int
        /// Weight of the KL term: below 1 keeps the latent code informative under DP noise.
        public var klWeight: Float

        public init(
            epochs: Int, batchSize: Int, learningRate: Float = 1e-2, clip: Double = 1, hidden: Int = 32,
            latent: Int = 8,
            klWeight: Float = 0.5
        ) {
            self.epochs = epochs
            self.batchSize = batchSize
            self.learningRate = learningRate
            self.clip = clip
            self.hidden = hidden
            self.latent = latent
            self.klWeight = klWeight
        }

        /// Batches of about 0.5% of the rows (16 to 4,096), 20 epochs, a small network (hidden width
        /// 32, or 64 from 100,000 rows). The sampling rate is kept small because the subsampling
        /// bound proven for the discrete Gaussian (Proofs/dp-sgd.md) grows quickly with it.
        public static func defaults(rows: Int) -> Settings {
            let batch = min(4096, max(16, rows / 200))
            return Settings(epochs: 20, batchSize: min(batch, max(1, rows - 1)), hidden: rows >= 100_000 ? 64 : 32)
        }

        /// DP-CTGAN's defaults: batches of at most 512 or about 0.5% of the rows, 10 epochs, learning
        /// rate 1e-3, hidden width 64. Its utility varies widely from run to run.
        public static func ctganDefaults(rows: Int) -> Settings {
            let batch = min(512, max(16, rows / 200))
            return Settings(epochs: 10, batchSize: min(batch, max(1, rows - 1)), learningRate: 1e-3, hidden: 64)
        }
    }

    /// Fits a DP tabular VAE: a noisy example count (`NoisyExampleCount.share` of epsilon), then
    /// DP-SGD with the rest, its whole (epsilon, delta) charged before the first step. `settings`
    /// maps the noisy count to the training settings; `notice` hears when the plan trains less
    /// than they ask (`DPSGDPlan.shortfall`).
    public static func fitTVAE(
        _ data: EncodedDataset, epsilon: Double, delta: Double, budget: any PrivacyBudget,
        settings: (Int) -> Settings, source: RandomSource, notice: (String) -> Void = { _ in },
        progress: (DPSGDTrainer.Progress) -> Void = { _ in }
    ) throws -> NeuralModel {
        try checkPlannable(.tvae, domain: data.domain, settings: settings, delta: delta)
        let (examples, countEpsilon, settings) = try NoisyExampleCount.plan(
            data.rowCount, epsilon: epsilon, budget: budget, settings: settings, source: source.split(stream: 4))
        var vae = TabularVAE(
            domain: data.domain, hidden: settings.hidden, latent: settings.latent, source: source.split(stream: 1))
        vae.klWeight = settings.klWeight
        vae.attach(data)
        let plan = try DPSGDPlan(
            targetEpsilon: epsilon - countEpsilon, delta: delta, examples: examples,
            expectedBatchSize: settings.batchSize,
            epochs: settings.epochs, clip: settings.clip, parameters: vae.layers.reduce(0) { $0 + $1.parameterCount })
        let shortfall = plan.shortfall(epochs: settings.epochs, epsilon: epsilon - countEpsilon)
        if let shortfall { notice(shortfall) }
        try DPSGDTrainer(plan: plan, learningRate: settings.learningRate)
            .train(
                &vae, budget: budget, mechanismName: "dp-sgd (dp-tvae)", source: source.split(stream: 2),
                progress: progress)
        return NeuralModel(
            method: "dp-tvae", schema: data.schema, network: .tvae(vae),
            record: .init(
                epsilon: epsilon, delta: delta, noiseMultiplier: plan.effectiveMultiplier, steps: plan.steps,
                samplingRate: plan.samplingRate, seeded: source.isSeeded, dataset: budget.name,
                noisyExamples: examples, shortfall: shortfall, charged: countEpsilon + plan.epsilon))
    }
}

extension NeuralSynthesizer {
    /// Share of epsilon (and half of delta) spent on the conditional vectors' one-way marginals.
    static let conditionShare = 0.1

    /// What the conditional marginals' charge records.
    struct ConditionParameters: Encodable {
        let sigma: Double
    }

    /// Fits DP-CTGAN: a noisy example count (`NoisyExampleCount.share` of epsilon), DP one-way
    /// marginals for the conditional vectors (10% of epsilon, half of delta), then the
    /// discriminator by DP-SGD with the rest; each charged before it is used. `notice` hears when
    /// the plan trains less than the settings ask (`DPSGDPlan.shortfall`).
    public static func fitCTGAN(
        _ data: EncodedDataset, epsilon: Double, delta: Double, budget: any PrivacyBudget,
        settings: (Int) -> Settings, source: RandomSource, notice: (String) -> Void = { _ in },
        progress: (DPSGDTrainer.Progress) -> Void = { _ in }
    ) throws -> NeuralModel {
        try checkPlannable(.ctgan, domain: data.domain, settings: settings, delta: delta)
        let (examples, countEpsilon, settings) = try NoisyExampleCount.plan(
            data.rowCount, epsilon: epsilon, budget: budget, settings: settings, source: source.split(stream: 4))
        let table = OneHotTable(domain: data.domain)
        let marginalsEpsilon = epsilon * conditionShare
        let (marginalsDelta, trainingDelta) = (
            delta - delta * Training.ctgan.share.delta, delta * Training.ctgan.share.delta
        )
        let rho = ZCDP.rho(epsilon: marginalsEpsilon, delta: marginalsDelta)
        let sensitivity = Double(data.columns.count).squareRoot()
        var sigma = sensitivity / (2 * rho).squareRoot()
        var marginals = try FloatGaussianMechanism(sensitivity: sensitivity, sigma: sigma, dimension: table.width)
        while marginals.epsilon(delta: marginalsDelta) > marginalsEpsilon {
            sigma *= 1.01
            marginals = try FloatGaussianMechanism(sensitivity: sensitivity, sigma: sigma, dimension: table.width)
        }
        let spent = marginals.epsilon(delta: marginalsDelta)
        let receipt = try budget.charge(
            Charge(
                mechanism: "dp-ctgan conditional marginals", parameters: ConditionParameters(sigma: marginals.sigma),
                cost: .approximate(epsilon: spent, delta: marginalsDelta), seeded: source.isSeeded))
        let conditions = try ConditionalVectors(
            table: table, codes: data.codes, mechanism: marginals, paidBy: receipt, source: source.split(stream: 3))
        var gan = ConditionalGAN(
            domain: data.domain, hidden: settings.hidden, noiseDimension: ctganNoise,
            conditionWeights: conditions.weights, source: source.split(stream: 1))
        let plan = try DPSGDPlan(
            targetEpsilon: epsilon - countEpsilon - spent, delta: trainingDelta, examples: examples,
            expectedBatchSize: settings.batchSize,
            epochs: settings.epochs, clip: settings.clip, parameters: gan.discriminator.parameterCount)
        let shortfall = plan.shortfall(epochs: settings.epochs, epsilon: epsilon - countEpsilon - spent)
        if let shortfall { notice(shortfall) }
        let (inputs, targets) = table.encode(data)
        try ConditionalGANTrainer(plan: plan, learningRate: settings.learningRate)
            .train(
                &gan, rows: inputs, targets: targets, budget: budget, source: source.split(stream: 2),
                progress: progress)
        return NeuralModel(
            method: "dp-ctgan", schema: data.schema, network: .ctgan(gan),
            record: .init(
                epsilon: epsilon, delta: delta, noiseMultiplier: plan.effectiveMultiplier, steps: plan.steps,
                samplingRate: plan.samplingRate, seeded: source.isSeeded, dataset: budget.name,
                noisyExamples: examples, shortfall: shortfall, charged: countEpsilon + spent + plan.epsilon))
    }
}

extension NeuralSynthesizer {
    /// DP-CTGAN's generator input besides the conditions.
    static let ctganNoise = 16
    /// The most parameters a network may have (64 MB of weights, three times that with Adam's
    /// moments): a larger one would exhaust memory after the noisy example count was charged.
    static let largestNetwork = 1 << 24

    /// Refuses, before anything is charged, a fit whose network or whose delta no row count lets
    /// it plan: `checkNetworkSize`, then `checkDelta`.
    static func checkPlannable(_ training: Training, domain: [Int], settings: (Int) -> Settings, delta: Double)
        throws
    {
        try checkNetworkSize(training, domain: domain, settings: settings)
        try checkDelta(training, domain: domain, settings: settings, delta: delta)
    }

    /// The settings `settings` gives the fewest and the most rows a fit takes: they change with
    /// the row count only by growing at thresholds, so these two hold the smallest and the widest.
    static func extremes(_ settings: (Int) -> Settings) -> [Settings] { [settings(2), settings(1 << 40)] }

    /// Refuses, before anything is charged, a network larger than `largestNetwork` for the table
    /// of `domain`, at the widest settings `settings` gives any row count (the public schema and
    /// settings alone).
    static func checkNetworkSize(_ training: Training, domain: [Int], settings: (Int) -> Settings) throws {
        for chosen in extremes(settings) {
            let parameters = parameterCounts(training, domain: domain, chosen).all
            guard parameters <= Double(largestNetwork) else {
                throw GeneratorSettingsError(
                    String(format: "the network would have %.3g parameters, more than ", parameters)
                        + "\(largestNetwork): lower the hidden width ('hidden' in a release config), or bin the "
                        + "widest columns more coarsely"
                )
            }
        }
    }

    /// Refuses, before anything is charged, a delta below `DPSGDPlan.smallestDelta` of the largest
    /// network DP-SGD would train at the settings `settings` gives any row count: no plan could be
    /// formed whatever the noisy count. Above it, a plan trains at least one step. Call it after
    /// `checkNetworkSize`.
    static func checkDelta(_ training: Training, domain: [Int], settings: (Int) -> Settings, delta: Double) throws {
        let trained = extremes(settings).map { parameterCounts(training, domain: domain, $0).trained }
        let smallest = DPSGDPlan.smallestDelta(parameters: trained.max()!) / training.share.delta
        guard delta >= smallest else {
            throw GeneratorSettingsError(
                "delta \(delta) is too small for one DP-SGD step of this network: its noise is drawn from a table "
                    + "whose distance from the exact noise, over one step's draws, must fit in delta; raise --delta "
                    + "to \(fourDigits(above: smallest)) or more, or use a smaller network ("
                    + (training == .tvae ? "--hidden, --latent)" : "--hidden)"))
        }
    }

    /// The parameters of `training`'s network for a table of `domain` at `chosen` settings, in
    /// doubles so that no width overflows the count: all of them, and those DP-SGD trains
    /// (DP-CTGAN's discriminator alone).
    static func parameterCounts(_ training: Training, domain: [Int], _ chosen: Settings) -> (
        all: Double, trained: Double
    ) {
        let width = domain.reduce(0, +)
        // Σ (inputs + 1) · outputs over the layers.
        func weights(_ widths: [Int]) -> Double {
            zip(widths, widths.dropFirst()).reduce(0) { $0 + (Double($1.0) + 1) * Double($1.1) }
        }
        switch training {
        case .tvae:
            let shape = TabularVAE.shape(width: width, hidden: chosen.hidden, latent: chosen.latent)
            let all = weights(shape.encoder) + 2 * weights([chosen.hidden, chosen.latent]) + weights(shape.decoder)
            return (all, all)
        case .ctgan:
            let shape = ConditionalGAN.shape(width: width, hidden: chosen.hidden, noiseDimension: ctganNoise)
            return (weights(shape.generator) + weights(shape.discriminator), weights(shape.discriminator))
        }
    }
}
