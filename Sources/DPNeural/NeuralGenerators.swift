import DPAccounting
import DPData
import DPSynthesis
import Foundation

extension NeuralSynthesizer.Settings {
    /// `defaults` with the settings a run gave.
    func overridden(by settings: GeneratorSettings) -> Self {
        var result = self
        if let epochs = settings.epochs { result.epochs = epochs }
        if let batchSize = settings.batchSize { result.batchSize = batchSize }
        if let learningRate = settings.learningRate { result.learningRate = Float(learningRate) }
        if let clip = settings.clip { result.clip = clip }
        if let hidden = settings.hidden { result.hidden = hidden }
        if let latent = settings.latent { result.latent = latent }
        if let klWeight = settings.klWeight { result.klWeight = Float(klWeight) }
        return result
    }
}

/// One progress line of DP-SGD training: the step and the budget spent so far (DP quantities only).
func progressLine(_ step: DPSGDTrainer.Progress) -> String {
    String(format: "step %d/%d, epsilon so far %.3f", step.step, step.steps, step.epsilonSoFar)
}

/// DP-TVAE as a registered generator.
public struct TVAEGenerator: Generator {
    public static let method = "dp-tvae"
    public static let family = GeneratorFamily.neural
    public static let summary =
        "DP-TVAE: a tabular variational autoencoder trained with DP-SGD (Poisson sampling, per-example clipping, "
        + "float-safe discrete Gaussian noise, RDP of the subsampled discrete Gaussian)"
    public static let acceptedSettings: Set<GeneratorSettings.Key> = [
        .epochs, .batchSize, .learningRate, .clip, .hidden, .latent, .klWeight,
    ]

    public let settings: GeneratorSettings

    public static func checkReachable(epsilon: Double, delta: Double) throws {
        try NeuralSynthesizer.checkReachable(.tvae, method: method, epsilon: epsilon, delta: delta)
    }

    public init(settings: GeneratorSettings) throws {
        self.settings = settings
    }

    /// The training settings for `rows` rows (the noisy example count).
    public func trainingSettings(rows: Int) -> NeuralSynthesizer.Settings {
        NeuralSynthesizer.Settings.defaults(rows: rows).overridden(by: settings)
    }

    /// The network's size and one DP-SGD step's draws within delta, at every row count.
    public func checkPlannable(columns: [Column], epsilon: Double, delta: Double) throws {
        try NeuralSynthesizer.checkPlannable(
            .tvae, domain: columns.map(\.domainSize), settings: trainingSettings(rows:), delta: delta)
    }

    public func fit(_ request: FitRequest) throws -> any FittedModel {
        try NeuralSynthesizer.fitTVAE(
            try request.data.rows(), epsilon: request.epsilon, delta: request.delta, budget: request.budget,
            settings: trainingSettings(rows:), source: request.source, notice: request.progress
        ) { request.progress(progressLine($0)) }
    }

    public static func loadModel(from data: Data, path: String) throws -> any FittedModel {
        try NeuralModel.load(from: data, path: path)
    }
}

/// DP-CTGAN as a registered generator.
public struct CTGANGenerator: Generator {
    public static let method = "dp-ctgan"
    public static let family = GeneratorFamily.neural
    public static let summary =
        "DP-CTGAN: a conditional GAN whose discriminator is trained with DP-SGD; conditional vectors from DP "
        + "one-way marginals; the generator is post-processing"
    public static let acceptedSettings: Set<GeneratorSettings.Key> = [
        .epochs, .batchSize, .learningRate, .clip, .hidden,
    ]

    public let settings: GeneratorSettings

    public static func checkReachable(epsilon: Double, delta: Double) throws {
        try NeuralSynthesizer.checkReachable(.ctgan, method: method, epsilon: epsilon, delta: delta)
    }

    public init(settings: GeneratorSettings) throws {
        self.settings = settings
    }

    /// The training settings for `rows` rows (the noisy example count).
    public func trainingSettings(rows: Int) -> NeuralSynthesizer.Settings {
        NeuralSynthesizer.Settings.ctganDefaults(rows: rows).overridden(by: settings)
    }

    /// The network's size and one DP-SGD step's draws within delta, at every row count.
    public func checkPlannable(columns: [Column], epsilon: Double, delta: Double) throws {
        try NeuralSynthesizer.checkPlannable(
            .ctgan, domain: columns.map(\.domainSize), settings: trainingSettings(rows:), delta: delta)
    }

    public func fit(_ request: FitRequest) throws -> any FittedModel {
        try NeuralSynthesizer.fitCTGAN(
            try request.data.rows(), epsilon: request.epsilon, delta: request.delta, budget: request.budget,
            settings: trainingSettings(rows:), source: request.source, notice: request.progress
        ) { request.progress(progressLine($0)) }
    }

    public static func loadModel(from data: Data, path: String) throws -> any FittedModel {
        try NeuralModel.load(from: data, path: path)
    }
}
