import DPRandomness

/// A model whose parameters are dense layers, which can report per-layer traces on a batch.
public protocol TrainableModel {
    /// Every parameterised layer, in a fixed order.
    var layers: [DenseLayer] { get set }
    /// The number of training examples.
    var exampleCount: Int { get }
    /// The summed loss on the examples `batch` and one trace per layer (in `layers` order), each
    /// example's loss depending on that example alone.
    func traces(_ batch: [Int], source: RandomSource) -> (loss: Double, traces: [LayerTrace])
}

/// A multilayer perceptron classifier over dense inputs.
public struct ClassifierModel: TrainableModel {
    public var network: MultilayerPerceptron
    public let inputs: Matrix
    public let labels: [Int]

    public init(network: MultilayerPerceptron, inputs: Matrix, labels: [Int]) {
        self.network = network
        self.inputs = inputs
        self.labels = labels
    }

    public var layers: [DenseLayer] {
        get { network.layers }
        set { network.layers = newValue }
    }

    public var exampleCount: Int { inputs.rows }

    public func traces(_ batch: [Int], source: RandomSource) -> (loss: Double, traces: [LayerTrace]) {
        let (logits, cache) = network.forward(inputs.rows(batch), dropoutSource: source)
        let (loss, gradient) = Loss.softmaxCrossEntropy(logits, labels: batch.map { labels[$0] })
        return (loss, network.backward(gradient, cache: cache).traces)
    }

    /// The predicted class of each row of `x`.
    public func predict(_ x: Matrix) -> [Int] {
        let logits = network.forward(x).output
        return (0..<logits.rows).map { row in
            (0..<logits.columns).max { logits[row, $0] < logits[row, $1] }!
        }
    }
}
