import DPRandomness
import Foundation
import Testing

@testable import DPNeural

@Suite struct GradientTests {
    static func randomMatrix(_ rows: Int, _ columns: Int, source: RandomSource) -> Matrix {
        Matrix(
            rows: rows, columns: columns, values: (0..<(rows * columns)).map { _ in Float(source.unitFloat()) * 2 - 1 })
    }

    static func model(seed: UInt64, normalized: Bool = false, dropout: Float? = nil) -> ClassifierModel {
        let source = RandomSource.seeded(seed)
        var network = MultilayerPerceptron(
            widths: [5, 7, 6, 3], hidden: .tanh, normalized: normalized, dropout: dropout, source: source)
        // Move gains and shifts off their initial 1 and 0 so their gradients are exercised.
        for index in network.layers.indices where network.layers[index].normalization != nil {
            network.layers[index].normalization!.gain = (0..<network.layers[index].outputs).map { _ in
                0.5 + source.unitFloat()
            }
            network.layers[index].normalization!.shift = (0..<network.layers[index].outputs).map { _ in
                source.unitFloat() - 0.5
            }
        }
        return ClassifierModel(
            network: network, inputs: randomMatrix(12, 5, source: source),
            labels: (0..<12).map { _ in Int(source.uniform(below: 3)) })
    }

    @Test(arguments: [false, true])
    func factorisedNormsAndClippedSumEqualAPerExampleLoop(normalized: Bool) {
        let model = Self.model(seed: 1, normalized: normalized)
        let batch = Array(0..<12)
        let traces = model.traces(batch, source: .seeded(2)).traces
        let norms = PerExampleClipping.squaredNorms(traces)
        let factors = PerExampleClipping.factors(squaredNorms: norms, clip: 0.5)
        let clipped = PerExampleClipping.weightedSum(traces, factors: factors).flattened
        var expected = [Float](repeating: 0, count: clipped.count)
        for example in batch {
            let own = model.traces([example], source: .seeded(2)).traces
            let gradient = PerExampleClipping.weightedSum(own, factors: [1]).flattened
            let norm = gradient.reduce(0) { $0 + $1 * $1 }
            #expect(abs(norm - norms[example]) <= 1e-4 * max(1, norm))
            let factor = min(1, 0.5 / norm.squareRoot())
            #expect(abs(factor * norm.squareRoot()) <= 0.5 + 1e-5)
            for i in expected.indices { expected[i] += factor * gradient[i] }
        }
        for i in expected.indices { #expect(abs(expected[i] - clipped[i]) <= 1e-4) }
        // The Double path used by DP-SGD: the same sum with the clip target C (1 - slack).
        let exact = PerExampleClipping.clippedSum(traces, clip: 0.5 / (1 - PerExampleClipping.clipSlack))
        for i in expected.indices { #expect(abs(Double(expected[i]) - exact[i]) <= 1e-4) }
    }

    /// A batch of more examples than one block (`PerExampleClipping.sumBlock`) sums every example
    /// once: the sum equals the examples' own clipped gradients added one by one (compensated).
    @Test func aBatchOfSeveralBlocksSumsEveryExampleOnce() {
        let source = RandomSource.seeded(7)
        let small = Self.model(seed: 7, normalized: true)
        let rows = 2 * PerExampleClipping.sumBlock + 37
        let model = ClassifierModel(
            network: small.network, inputs: Self.randomMatrix(rows, 5, source: source),
            labels: (0..<rows).map { _ in Int(source.uniform(below: 3)) })
        let batch = Array(0..<rows)
        let sum = PerExampleClipping.clippedSum(model.traces(batch, source: .seeded(8)).traces, clip: 0.5)
        var expected = [Double](repeating: 0, count: sum.count)
        var compensation = expected
        for example in batch {
            let own = PerExampleClipping.clippedSum(model.traces([example], source: .seeded(8)).traces, clip: 0.5)
            for i in own.indices {
                let term = own[i] - compensation[i]
                let next = expected[i] + term
                compensation[i] = (next - expected[i]) - term
                expected[i] = next
            }
        }
        #expect(sum.count == expected.count && sum.count == model.layers.reduce(0) { $0 + $1.parameterCount })
        for i in sum.indices { #expect(abs(sum[i] - expected[i]) <= 1e-9, "parameter \(i)") }
    }

    /// Vectors summed pairwise add up to their sum; one vector is its own sum, bit for bit.
    @Test func pairwiseSumAddsEveryVector() {
        var one = PairwiseSum()
        one.add([0.1, -0.3])
        #expect(one.total == [0.1, -0.3])
        #expect(PairwiseSum().total == nil)
        for count in [2, 3, 7, 8, 1000] {
            var sum = PairwiseSum()
            for k in 1...count { sum.add([Double(k), -2 * Double(k)]) }
            let exact = Double(count * (count + 1) / 2)
            #expect(sum.total == [exact, -2 * exact], "\(count) vectors")
        }
    }

    /// An example whose gradient is not finite contributes nothing instead of escaping the clip.
    @Test func nonFiniteExamplesAreDropped() {
        var model = Self.model(seed: 5)
        let clean = PerExampleClipping.clippedSum(model.traces([0, 1], source: .seeded(6)).traces, clip: 1)
        var inputs = model.inputs
        inputs[2, 0] = .nan
        model = ClassifierModel(network: model.network, inputs: inputs, labels: model.labels)
        let withBad = PerExampleClipping.clippedSum(model.traces([0, 1, 2], source: .seeded(6)).traces, clip: 1)
        #expect(withBad.allSatisfy { $0.isFinite })
        for i in clean.indices { #expect(abs(clean[i] - withBad[i]) < 1e-9) }
    }

    /// Weights, and gains and shifts of normalised layers, against central differences; with
    /// dropout the seeded source draws the same masks on every call, so the loss is the same function.
    @Test(arguments: [(false, nil), (true, nil), (true, 0.3)] as [(Bool, Float?)])
    func gradientsMatchFiniteDifferences(normalized: Bool, dropout: Float?) {
        var model = Self.model(seed: 3, normalized: normalized, dropout: dropout)
        let batch = [0, 4, 9]
        let analytic = PerExampleClipping.weightedSum(
            model.traces(batch, source: .seeded(4)).traces, factors: [1, 1, 1]
        ).flattened
        let h: Float = 1e-2
        var checked = 0
        func check(_ offset: Int, _ label: String, _ parameter: WritableKeyPath<ClassifierModel, Float>) {
            let original = model[keyPath: parameter]
            model[keyPath: parameter] = original + h
            let up = model.traces(batch, source: .seeded(4)).loss
            model[keyPath: parameter] = original - h
            let down = model.traces(batch, source: .seeded(4)).loss
            model[keyPath: parameter] = original
            let numeric = Float((up - down) / Double(2 * h))
            #expect(abs(numeric - analytic[offset]) <= 2e-3 + 2e-2 * abs(numeric), "\(label)")
            checked += 1
        }
        for layer in model.layers.indices {
            let start = model.layers[..<layer].reduce(0) { $0 + $1.parameterCount }
            let weights = model.layers[layer].weights.values.count
            let width = model.layers[layer].outputs
            for index in stride(from: 0, to: weights, by: 7) {
                check(start + index, "layer \(layer) weight \(index)", \.layers[layer].weights.values[index])
            }
            guard model.layers[layer].normalization != nil else { continue }
            for j in 0..<width {
                check(start + weights + width + j, "layer \(layer) gain \(j)", \.layers[layer].normalization!.gain[j])
                check(
                    start + weights + 2 * width + j, "layer \(layer) shift \(j)",
                    \.layers[layer].normalization!.shift[j])
            }
        }
        #expect(checked > (normalized ? 30 : 10))
    }

    /// Dropout zeroes about p of the hidden units while training and none at inference. With
    /// 12 x 13 hidden units the zero fraction lies within 0.15 of p = 0.3 except with
    /// probability below 1e-4.
    @Test func dropoutZeroesHiddenUnitsOnlyWhileTraining() {
        let model = Self.model(seed: 8, dropout: 0.3)
        let (_, cache) = model.network.forward(model.inputs, dropoutSource: .seeded(9))
        let masks = cache.dropoutMasks.compactMap { $0 }
        #expect(masks.count == 2 && cache.dropoutMasks.last! == nil)
        let multipliers = masks.flatMap { $0 }
        let zeros = Double(multipliers.filter { $0 == 0 }.count) / Double(multipliers.count)
        #expect(abs(zeros - 0.3) < 0.15, "\(zeros)")
        #expect(multipliers.allSatisfy { $0 == 0 || abs($0 - 1 / 0.7) < 1e-6 })
        let inference = model.network.forward(model.inputs).cache
        #expect(inference.dropoutMasks.allSatisfy { $0 == nil })
    }
}

extension RandomSource {
    /// A uniform Float in [0, 1) (test data only).
    func unitFloat() -> Float { Float(nextUInt64() >> 40) * 0x1p-24 }
}
