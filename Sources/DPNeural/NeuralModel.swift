import DPData
import DPRandomness
import DPSynthesis
import Foundation

/// A trained neural generator: draw rows at no further privacy cost, save and load.
public struct NeuralModel: FittedModel {
    /// The model description's own version, inside `ModelFile`'s envelope.
    static let descriptionVersion = 1

    public let method: String
    public let schema: Schema
    public let network: Network
    public let record: PrivacyRecord

    /// The trained network.
    public enum Network: Sendable, Codable {
        case tvae(TabularVAE)
        case ctgan(ConditionalGAN)

        public var parameterCount: Int {
            switch self {
            case .tvae(let vae): return vae.layers.reduce(0) { $0 + $1.parameterCount }
            case .ctgan(let gan): return gan.generator.parameterCount + gan.discriminator.parameterCount
            }
        }
    }

    /// What the fit guarantees and what it spent, as the model file stores them.
    public struct PrivacyRecord: Sendable, Codable, Equatable {
        /// The fit's guarantee: the epsilon it was asked for, which bounds what every plan its
        /// noisy example count could give spends (Proofs/dp-sgd.md); `charged` is what this plan
        /// spent. Files written before `charged` was kept hold the spent epsilon here.
        public let epsilon: Double
        public let delta: Double
        public let noiseMultiplier: Double
        public let steps: Int
        public let samplingRate: Double
        public let seeded: Bool
        public let dataset: String
        /// The noisy number of training examples the plan was built on (absent in older files).
        public var noisyExamples: Int?
        /// What the training did less than its settings asked (`DPSGDPlan.shortfall`), when it did;
        /// it reads only the plan, so it is DP like the noisy count.
        public var shortfall: String?
        /// The epsilon the ledger was charged for the fit: at most `epsilon`, less when the plan
        /// trains less than asked (absent in older files).
        public var charged: Double?
    }

    public var privacy: ModelPrivacy {
        ModelPrivacy(
            rho: 0, seeded: record.seeded,
            charges: [
                "dp-sgd: (\(record.charged ?? record.epsilon), \(record.delta))-DP charged over \(record.steps) steps"
            ],
            notes: record.shortfall.map { [$0] } ?? [])
    }

    public var size: ModelSize { .parameters(network.parameterCount) }

    /// The noisy example count DP-SGD was planned with, within the row counts a fit accepts.
    public var noisyRowCount: Int? { record.noisyExamples.map { max(1, min(FitRequest.largestRowCount, $0)) } }

    public func sample(rows: Int, source: RandomSource) -> EncodedDataset {
        switch network {
        case .tvae(let vae): return vae.sample(rows: rows, schema: schema, source: source)
        case .ctgan(let gan): return gan.sample(rows: rows, schema: schema, source: source)
        }
    }

    struct Description: Codable {
        var version: Int
        var method: String
        var schema: String
        var generator: Network
        var privacy: PrivacyRecord
    }

    public func fileData() throws -> Data {
        try ModelFile.encode(
            kind: method,
            model: Description(
                version: Self.descriptionVersion, method: method, schema: SchemaWriter.yaml(schema),
                generator: network, privacy: record))
    }

    /// Writes the model file, atomically.
    public func save(to path: String) throws {
        try AtomicFile.write(try fileData(), to: path)
    }

    /// Reads a neural model from a model file's bytes.
    public static func load(from data: Data, path: String) throws -> NeuralModel {
        let file = try ModelFile.decode(Description.self, from: data, path: path)
        guard file.version == descriptionVersion else {
            throw DataError(
                file: path, problem: "not a DPSynth neural model of format \(descriptionVersion)",
                hint: "Give a file written by --model-out.")
        }
        let schema = try SchemaLoader.parse(file.schema, file: path)
        let domain: [Int]
        let trainedBy: String
        switch file.generator {
        case .tvae(let vae): (domain, trainedBy) = (vae.domain, TVAEGenerator.method)
        case .ctgan(let gan): (domain, trainedBy) = (gan.domain, CTGANGenerator.method)
        }
        guard file.method == trainedBy else {
            throw DataError(
                file: path, problem: "the file names method '\(file.method)' but holds a \(trainedBy) network",
                hint: "Give a file written by --model-out, unchanged.")
        }
        guard domain == schema.encodedColumns.map(\.domainSize) else {
            throw DataError(
                file: path, problem: "the network's columns do not match the schema stored with it",
                hint: "Give a file written by --model-out, unchanged.")
        }
        guard file.generator.fits(domain: domain) else {
            throw DataError(
                file: path, problem: "the network's layers do not fit together or hold a value that is not finite",
                hint: "Give a file written by --model-out, unchanged.")
        }
        return NeuralModel(method: file.method, schema: schema, network: file.generator, record: file.privacy)
    }

    /// Reads a neural model file.
    public static func load(from path: String) throws -> NeuralModel {
        try load(from: try ModelFile.read(path), path: path)
    }
}
