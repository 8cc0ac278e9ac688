import DPSynthesis

/// Whether a network read from a model file has the shape its own sizes say: every layer's
/// weights, bias and normalisation sized for its inputs and outputs, each layer feeding the next,
/// the first and last widths those of the table, sizes within the settings' largest
/// (`GeneratorSettings.largest`), and every value finite. A file edited by hand
/// that fails is refused when read, never met by a trap while rows are drawn.
extension DenseLayer {
    func fits(inputs: Int, outputs: Int) -> Bool {
        let (cells, overflow) = inputs.multipliedReportingOverflow(by: outputs)
        guard inputs > 0, outputs > 0, !overflow, weights.rows == inputs, weights.columns == outputs,
            weights.values.count == cells, bias.count == outputs,
            weights.values.allSatisfy(\.isFinite), bias.allSatisfy(\.isFinite)
        else { return false }
        guard let normalization else { return true }
        return normalization.gain.count == outputs && normalization.shift.count == outputs
            && (normalization.gain + normalization.shift).allSatisfy(\.isFinite)
    }
}

extension MultilayerPerceptron {
    /// Layers of these widths, in order.
    func fits(widths: [Int]) -> Bool {
        layers.count == widths.count - 1
            && zip(layers, zip(widths, widths.dropFirst())).allSatisfy { $0.fits(inputs: $1.0, outputs: $1.1) }
            && dropout.map { $0.isFinite && $0 >= 0 && $0 < 1 } ?? true
    }

    /// The width of the first layer's output, when there is a layer.
    var firstHidden: Int { layers.first?.outputs ?? 0 }
}

extension NeuralModel.Network {
    /// Whether the network fits the table of `domain` (`NetworkShape`).
    func fits(domain: [Int]) -> Bool {
        let width = domain.reduce(0, +)
        switch self {
        case .tvae(let vae):
            let hidden = vae.encoder.firstHidden
            let shape = TabularVAE.shape(width: width, hidden: hidden, latent: vae.latent)
            return vae.latent > 0 && Double(vae.latent) <= GeneratorSettings.largest[.latent]!
                && Double(hidden) <= GeneratorSettings.largest[.hidden]! && vae.encoder.fits(widths: shape.encoder)
                && vae.mean.fits(inputs: hidden, outputs: vae.latent)
                && vae.logVariance.fits(inputs: hidden, outputs: vae.latent)
                && vae.decoder.fits(widths: shape.decoder) && vae.klWeight.isFinite
        case .ctgan(let gan):
            let noise = gan.noiseDimension
            // No setting chooses the noise's size: a file's beyond the latent code's largest is
            // no network dpsynth trains, and would only make sampling allocate in proportion.
            guard noise > 0, Double(noise) <= GeneratorSettings.largest[.latent]!,
                Double(gan.generator.firstHidden) <= GeneratorSettings.largest[.hidden]!,
                Double(gan.discriminator.firstHidden) <= GeneratorSettings.largest[.hidden]!
            else { return false }
            let generator = ConditionalGAN.shape(width: width, hidden: gan.generator.firstHidden, noiseDimension: noise)
            let discriminator = ConditionalGAN.shape(
                width: width, hidden: gan.discriminator.firstHidden, noiseDimension: noise)
            return gan.generator.fits(widths: generator.generator)
                && gan.discriminator.fits(widths: discriminator.discriminator)
                && gan.conditionWeights.count == domain.count
                && zip(gan.conditionWeights, domain).allSatisfy { weights, levels in
                    weights.count == levels && weights.allSatisfy { $0.isFinite && $0 >= 0 }
                }
        }
    }
}
