import DPAccounting
import DPData
import DPLedger
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

        public init(epochs: Int, batchSize: Int, learningRate: Float = 2e-3, clip: Double = 1, hidden: Int = 128, latent: Int = 32) {
            self.epochs = epochs
            self.batchSize = batchSize
            self.learningRate = learningRate
            self.clip = clip
            self.hidden = hidden
            self.latent = latent
        }

        /// Batches of about 1% of the rows (64 to 512), and about 1,000 steps in all (3 to 30 epochs).
        public static func defaults(rows: Int) -> Settings {
            let batch = min(512, max(64, rows / 100))
            let epochs = min(30, max(3, 1000 * batch / max(rows, 1)))
            return Settings(epochs: epochs, batchSize: min(batch, max(1, rows - 1)))
        }
    }

    /// Fits a DP tabular VAE; the whole training's (epsilon, delta) is charged before the first step.
    public static func fitTVAE(_ data: EncodedDataset, epsilon: Double, delta: Double, ledger: BudgetLedger, dataset: String,
                               settings: Settings, source: RandomSource,
                               progress: (DPSGDTrainer.Progress) -> Void = { _ in }) throws -> NeuralModel {
        var vae = TabularVAE(domain: data.domain, hidden: settings.hidden, latent: settings.latent, source: source.split(stream: 1))
        vae.attach(data)
        let plan = try DPSGDPlan(targetEpsilon: epsilon, delta: delta, examples: data.rowCount, expectedBatchSize: settings.batchSize,
                                 epochs: settings.epochs, clip: settings.clip, parameters: vae.layers.reduce(0) { $0 + $1.parameterCount })
        try DPSGDTrainer(plan: plan, learningRate: settings.learningRate)
            .train(&vae, ledger: ledger, dataset: dataset, mechanismName: "dp-sgd (dp-tvae)", source: source.split(stream: 2), progress: progress)
        return NeuralModel(method: "dp-tvae", schema: data.schema, vae: vae,
                           privacy: .init(epsilon: plan.epsilon, delta: delta, noiseMultiplier: plan.effectiveMultiplier,
                                          steps: plan.steps, samplingRate: plan.samplingRate, seeded: source.isSeeded, dataset: dataset))
    }
}

/// A trained neural generator: draw rows at no further privacy cost, save and load (versioned JSON).
public struct NeuralModel: Sendable {
    public static let formatVersion = 1

    public let method: String
    public let schema: Schema
    public let vae: TabularVAE
    public let privacy: PrivacyRecord

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
        vae.sample(rows: rows, schema: schema, source: source)
    }

    struct File: Codable {
        var version: Int
        var method: String
        var schema: String
        var vae: TabularVAE
        var privacy: PrivacyRecord
    }

    public func save(to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        try AtomicFile.write(try encoder.encode(File(version: Self.formatVersion, method: method, schema: SchemaWriter.yaml(schema),
                                                     vae: vae, privacy: privacy)), to: path)
    }

    public static func load(from path: String) throws -> NeuralModel {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw DataError(file: path, problem: "cannot read the model file", hint: "Check the path.")
        }
        guard let file = try? JSONDecoder().decode(File.self, from: data), file.version == formatVersion else {
            throw DataError(file: path, problem: "not a DPSynth neural model of format \(formatVersion)", hint: "Give a file written by --model-out.")
        }
        return NeuralModel(method: file.method, schema: try SchemaLoader.parse(file.schema, file: path), vae: file.vae, privacy: file.privacy)
    }
}
