import DPAccounting
import DPData
import DPLedger
import DPMechanisms
import DPRandomness
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

        public init(epochs: Int, batchSize: Int, learningRate: Float = 1e-2, clip: Double = 1, hidden: Int = 32, latent: Int = 8,
                    klWeight: Float = 0.5) {
            self.epochs = epochs
            self.batchSize = batchSize
            self.learningRate = learningRate
            self.clip = clip
            self.hidden = hidden
            self.latent = latent
        self.klWeight = klWeight
        }

        /// Large batches (about 6% of the rows, 64 to 4,096: DP noise shrinks with the batch), 20
        /// epochs, a small network (hidden width 32, or 64 from 100,000 rows). Measured on UCI Adult
        /// at epsilon 1: 2-way TVD 0.09 and TSTR AUC 0.85 (Examples/README.md).
        public static func defaults(rows: Int) -> Settings {
            let batch = min(4096, max(64, rows / 16))
            return Settings(epochs: 20, batchSize: min(batch, max(1, rows - 1)), hidden: rows >= 100_000 ? 64 : 32)
        }

        /// DP-CTGAN's defaults: a GAN needs many more, smaller steps than the VAE (batches of 512 or
        /// about 1.5% of the rows, 10 epochs, learning rate 1e-3, hidden width 64). Measured on UCI
        /// Adult at epsilon 1 over four runs: 2-way TVD 0.48-0.55, TSTR AUC 0.51-0.80 (unstable).
        public static func ctganDefaults(rows: Int) -> Settings {
            let batch = min(512, max(64, rows / 64))
            return Settings(epochs: 10, batchSize: min(batch, max(1, rows - 1)), learningRate: 1e-3, hidden: 64)
        }
    }

    /// Fits a DP tabular VAE; the whole training's (epsilon, delta) is charged before the first step.
    public static func fitTVAE(_ data: EncodedDataset, epsilon: Double, delta: Double, ledger: BudgetLedger, dataset: String,
                               settings: Settings, source: RandomSource,
                               progress: (DPSGDTrainer.Progress) -> Void = { _ in }) throws -> NeuralModel {
        var vae = TabularVAE(domain: data.domain, hidden: settings.hidden, latent: settings.latent, source: source.split(stream: 1))
        vae.klWeight = settings.klWeight
        vae.attach(data)
        let plan = try DPSGDPlan(targetEpsilon: epsilon, delta: delta, examples: data.rowCount, expectedBatchSize: settings.batchSize,
                                 epochs: settings.epochs, clip: settings.clip, parameters: vae.layers.reduce(0) { $0 + $1.parameterCount })
        try DPSGDTrainer(plan: plan, learningRate: settings.learningRate)
            .train(&vae, ledger: ledger, dataset: dataset, mechanismName: "dp-sgd (dp-tvae)", source: source.split(stream: 2), progress: progress)
        return NeuralModel(method: "dp-tvae", schema: data.schema, generator: .tvae(vae),
                           privacy: .init(epsilon: plan.epsilon, delta: delta, noiseMultiplier: plan.effectiveMultiplier,
                                          steps: plan.steps, samplingRate: plan.samplingRate, seeded: source.isSeeded, dataset: dataset))
    }
}

extension NeuralSynthesizer {
    /// Share of epsilon (and half of delta) spent on the conditional vectors' one-way marginals.
    static let conditionShare = 0.1

    /// Fits DP-CTGAN: DP one-way marginals for the conditional vectors (10% of epsilon, half of
    /// delta), then the discriminator by DP-SGD with the rest; both charged before they are used.
    public static func fitCTGAN(_ data: EncodedDataset, epsilon: Double, delta: Double, ledger: BudgetLedger, dataset: String,
                                settings: Settings, source: RandomSource,
                                progress: (DPSGDTrainer.Progress) -> Void = { _ in }) throws -> NeuralModel {
        let table = OneHotTable(domain: data.domain)
        let marginalsEpsilon = epsilon * conditionShare
        let rho = ZCDP.rho(epsilon: marginalsEpsilon, delta: delta / 2)
        let sensitivity = Double(data.columns.count).squareRoot()
        var sigma = sensitivity / (2 * rho).squareRoot()
        var marginals = try FloatGaussianMechanism(sensitivity: sensitivity, sigma: sigma, dimension: table.width)
        while marginals.epsilon(delta: delta / 2) > marginalsEpsilon {
            sigma *= 1.01
            marginals = try FloatGaussianMechanism(sensitivity: sensitivity, sigma: sigma, dimension: table.width)
        }
        let spent = marginals.epsilon(delta: delta / 2)
        try ledger.charge(dataset: dataset, mechanism: "dp-ctgan conditional marginals", parameters: "{\"sigma\":\(marginals.sigma)}",
                          cost: .approximate(epsilon: spent, delta: delta / 2), seeded: source.isSeeded)
        let conditions = try ConditionalVectors(table: table, codes: data.codes, mechanism: marginals, source: source.split(stream: 3))
        var gan = ConditionalGAN(domain: data.domain, hidden: settings.hidden, noiseDimension: 16,
                                 conditionWeights: conditions.weights, source: source.split(stream: 1))
        let plan = try DPSGDPlan(targetEpsilon: epsilon - spent, delta: delta / 2, examples: data.rowCount, expectedBatchSize: settings.batchSize,
                                 epochs: settings.epochs, clip: settings.clip, parameters: gan.discriminator.parameterCount)
        let (inputs, targets) = table.encode(data)
        try ConditionalGANTrainer(plan: plan, learningRate: settings.learningRate)
            .train(&gan, rows: inputs, targets: targets, ledger: ledger, dataset: dataset, source: source.split(stream: 2), progress: progress)
        return NeuralModel(method: "dp-ctgan", schema: data.schema, generator: .ctgan(gan),
                           privacy: .init(epsilon: spent + plan.epsilon, delta: delta, noiseMultiplier: plan.effectiveMultiplier,
                                          steps: plan.steps, samplingRate: plan.samplingRate, seeded: source.isSeeded, dataset: dataset))
    }
}

/// A trained neural generator: draw rows at no further privacy cost, save and load (versioned JSON).
public struct NeuralModel: Sendable {
    public static let formatVersion = 1

    public let method: String
    public let schema: Schema
    public let generator: Generator
    public let privacy: PrivacyRecord

    /// The trained network.
    public enum Generator: Sendable, Codable {
        case tvae(TabularVAE)
        case ctgan(ConditionalGAN)

        public var parameterCount: Int {
            switch self {
            case .tvae(let vae): return vae.layers.reduce(0) { $0 + $1.parameterCount }
            case .ctgan(let gan): return gan.generator.parameterCount + gan.discriminator.parameterCount
            }
        }
    }

    public struct PrivacyRecord: Sendable, Codable, Equatable {
        public let epsilon: Double
        public let delta: Double
        public let noiseMultiplier: Double
        public let steps: Int
        public let samplingRate: Double
        public let seeded: Bool
        public let dataset: String
    }

    public func sample(rows: Int, source: RandomSource) -> EncodedDataset {
        switch generator {
        case .tvae(let vae): return vae.sample(rows: rows, schema: schema, source: source)
        case .ctgan(let gan): return gan.sample(rows: rows, schema: schema, source: source)
        }
    }

    struct File: Codable {
        var version: Int
        var method: String
        var schema: String
        var generator: Generator
        var privacy: PrivacyRecord
    }

    public func save(to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        try AtomicFile.write(try encoder.encode(File(version: Self.formatVersion, method: method, schema: SchemaWriter.yaml(schema),
                                                     generator: generator, privacy: privacy)), to: path)
    }

    public static func load(from path: String) throws -> NeuralModel {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw DataError(file: path, problem: "cannot read the model file", hint: "Check the path.")
        }
        guard let file = try? JSONDecoder().decode(File.self, from: data), file.version == formatVersion else {
            throw DataError(file: path, problem: "not a DPSynth neural model of format \(formatVersion)", hint: "Give a file written by --model-out.")
        }
        return NeuralModel(method: file.method, schema: try SchemaLoader.parse(file.schema, file: path), generator: file.generator, privacy: file.privacy)
    }
}
