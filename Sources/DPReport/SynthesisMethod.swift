import DPGenerators
import DPNeural

/// The generators a release and `dpsynth synthesize` offer: the marginal ones and the
/// DP-SGD-trained neural ones.
public enum SynthesisMethod: String, CaseIterable, Sendable {
    case aim, mst, independent
    case dpTVAE = "dp-tvae"
    case dpCTGAN = "dp-ctgan"

    /// The names, for messages: "aim, mst, independent, dp-tvae, dp-ctgan".
    public static var names: String { allCases.map(\.rawValue).joined(separator: ", ") }

    /// The marginal generator, or nil for a neural one.
    public var marginal: Synthesizer.Method? { Synthesizer.Method(rawValue: rawValue) }

    /// The method's default training settings for `rows` rows, with the given overrides (neural methods).
    public func neuralSettings(rows: Int, epochs: Int? = nil, batchSize: Int? = nil, learningRate: Float? = nil, clip: Double? = nil,
                               hidden: Int? = nil, latent: Int? = nil, klWeight: Float? = nil) -> NeuralSynthesizer.Settings {
        var settings = self == .dpCTGAN ? NeuralSynthesizer.Settings.ctganDefaults(rows: rows) : NeuralSynthesizer.Settings.defaults(rows: rows)
        if let epochs { settings.epochs = epochs }
        if let batchSize { settings.batchSize = batchSize }
        if let learningRate { settings.learningRate = learningRate }
        if let clip { settings.clip = clip }
        if let hidden { settings.hidden = hidden }
        if let latent { settings.latent = latent }
        if let klWeight { settings.klWeight = klWeight }
        return settings
    }
}
