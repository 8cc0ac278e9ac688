import DPData
import DPRandomness
import Foundation

/// A tabular variational autoencoder (after TVAE, Xu et al. 2019) on one-hot rows: an encoder to
/// a Gaussian latent, a decoder to one softmax per column. Trained as a whole with DP-SGD, its
/// parameters (and so its samples) are as private as the training run.
public struct TabularVAE: TrainableModel, Sendable, Codable {
    public var encoder: MultilayerPerceptron
    public var mean: DenseLayer
    public var logVariance: DenseLayer
    public var decoder: MultilayerPerceptron
    public let domain: [Int]
    public let latent: Int
    /// Weight of the KL term.
    public var klWeight: Float = 0.5
    var table: OneHotTable { OneHotTable(domain: domain) }

    /// The training rows, set by `attach`; not saved with the model.
    var inputs = Matrix(zeros: 0, 0)
    var targets: [[Int]] = []

    enum CodingKeys: String, CodingKey { case encoder, mean, logVariance, decoder, domain, latent, klWeight }

    public init(domain: [Int], hidden: Int = 32, latent: Int = 8, source: RandomSource) {
        let shape = Self.shape(width: domain.reduce(0, +), hidden: hidden, latent: latent)
        self.domain = domain
        self.latent = latent
        encoder = MultilayerPerceptron(widths: shape.encoder, hidden: .relu, output: .relu, source: source)
        mean = DenseLayer(inputs: hidden, outputs: latent, activation: .identity, source: source)
        logVariance = DenseLayer(inputs: hidden, outputs: latent, activation: .identity, source: source)
        decoder = MultilayerPerceptron(widths: shape.decoder, hidden: .relu, output: .identity, source: source)
    }

    /// The layer widths for a table `width` one-hot columns wide: the encoder's, the decoder's,
    /// and between them the two heads (mean and log-variance), each `hidden` to `latent`.
    static func shape(width: Int, hidden: Int, latent: Int) -> (encoder: [Int], decoder: [Int]) {
        ([width, hidden, hidden], [latent, hidden, hidden, width])
    }

    /// Sets the rows to train on.
    public mutating func attach(_ data: EncodedDataset) {
        (inputs, targets) = table.encode(data)
    }

    public var exampleCount: Int { inputs.rows }

    public var layers: [DenseLayer] {
        get { encoder.layers + [mean, logVariance] + decoder.layers }
        set {
            let e = encoder.layers.count
            encoder.layers = Array(newValue[..<e])
            mean = newValue[e]
            logVariance = newValue[e + 1]
            decoder.layers = Array(newValue[(e + 2)...])
        }
    }

    public func traces(_ batch: [Int], source: RandomSource) -> (loss: Double, traces: [LayerTrace]) {
        let x = inputs.rows(batch)
        let (hidden, encoderCache) = encoder.forward(x)
        let (mu, _, _) = mean.forward(hidden)
        let (logVar, _, _) = logVariance.forward(hidden)
        let noise = source.standardNormals(mu.values.count)
        var z = mu
        var deviation = [Float](repeating: 0, count: mu.values.count)
        for i in z.values.indices {
            deviation[i] = exp(0.5 * logVar.values[i])
            z.values[i] += deviation[i] * noise[i]
        }
        let (logits, decoderCache) = decoder.forward(z)
        var (loss, logitGradient) = Loss.softmaxCrossEntropy(
            logits, blocks: table.blocks, targets: batch.map { targets[$0] })
        let decoded = decoder.backward(logitGradient, cache: decoderCache)
        var meanGradient = decoded.inputGradient
        var logVarGradient = decoded.inputGradient
        for i in mu.values.indices {
            let m = mu.values[i]
            let v = logVar.values[i]
            loss += Double(klWeight * 0.5 * (m * m + exp(v) - 1 - v))
            meanGradient.values[i] += klWeight * m
            logVarGradient.values[i] =
                decoded.inputGradient.values[i] * noise[i] * 0.5 * deviation[i] + klWeight * 0.5 * (exp(v) - 1)
        }
        logitGradient = Matrix(zeros: 0, 0)
        var hiddenGradient = mean.inputGradient(meanGradient)
        let fromLogVar = logVariance.inputGradient(logVarGradient)
        for i in hiddenGradient.values.indices { hiddenGradient.values[i] += fromLogVar.values[i] }
        let encoded = encoder.backward(hiddenGradient, cache: encoderCache)
        let headTraces = [
            LayerTrace(input: hidden, preActivationGradient: meanGradient),
            LayerTrace(input: hidden, preActivationGradient: logVarGradient),
        ]
        return (loss, encoded.traces + headTraces + decoded.traces)
    }

    /// Synthetic rows: latent draws from N(0, I) decoded, each column's code drawn from its softmax.
    /// Post-processing of the trained parameters.
    public func sample(rows: Int, schema: Schema, source: RandomSource) -> EncodedDataset {
        var codes = domain.map { _ in [UInt16](repeating: 0, count: rows) }
        let chunk = 1024
        for start in stride(from: 0, to: rows, by: chunk) {
            let count = min(chunk, rows - start)
            let z = Matrix(rows: count, columns: latent, values: source.standardNormals(count * latent))
            let logits = decoder.forward(z).output
            for row in 0..<count {
                for (column, block) in table.blocks.enumerated() {
                    codes[column][start + row] = UInt16(
                        SoftmaxDraw.draw(logits, row: row, block: block, source: source))
                }
            }
        }
        return EncodedDataset(schema: schema, codes: codes)
    }
}
