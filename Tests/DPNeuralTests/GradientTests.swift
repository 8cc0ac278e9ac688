import Foundation
import Testing
import DPRandomness
@testable import DPNeural

@Suite struct GradientTests {
    static func randomMatrix(_ rows: Int, _ columns: Int, source: RandomSource) -> Matrix {
        Matrix(rows: rows, columns: columns, values: (0..<(rows * columns)).map { _ in Float(source.unitFloat()) * 2 - 1 })
    }

    static func model(seed: UInt64) -> ClassifierModel {
        let source = RandomSource.seeded(seed)
        let network = MultilayerPerceptron(widths: [5, 7, 6, 3], hidden: .tanh, source: source)
        return ClassifierModel(network: network, inputs: randomMatrix(12, 5, source: source),
                               labels: (0..<12).map { _ in Int(source.uniform(below: 3)) })
    }

    @Test func factorisedNormsAndClippedSumEqualAPerExampleLoop() {
        let model = Self.model(seed: 1)
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

    @Test func gradientsMatchFiniteDifferences() {
        var model = Self.model(seed: 3)
        let batch = [0, 4, 9]
        let analytic = PerExampleClipping.weightedSum(model.traces(batch, source: .seeded(4)).traces, factors: [1, 1, 1]).flattened
        let h: Float = 1e-2
        var checked = 0
        for layer in model.layers.indices {
            for index in stride(from: 0, to: model.layers[layer].weights.values.count, by: 7) {
                let original = model.layers[layer].weights.values[index]
                model.layers[layer].weights.values[index] = original + h
                let up = model.traces(batch, source: .seeded(4)).loss
                model.layers[layer].weights.values[index] = original - h
                let down = model.traces(batch, source: .seeded(4)).loss
                model.layers[layer].weights.values[index] = original
                let offset = model.layers[..<layer].reduce(0) { $0 + $1.parameterCount } + index
                let numeric = Float((up - down) / Double(2 * h))
                #expect(abs(numeric - analytic[offset]) <= 2e-3 + 2e-2 * abs(numeric), "layer \(layer) weight \(index)")
                checked += 1
            }
        }
        #expect(checked > 10)
    }
}

extension RandomSource {
    /// A uniform Float in [0, 1) (test data only).
    func unitFloat() -> Float { Float(nextUInt64() >> 40) * 0x1p-24 }
}
