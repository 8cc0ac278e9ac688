import DPData
import DPRandomness
import Foundation

/// A conditional tabular GAN in the style of CTGAN (Xu et al. 2019) for one-hot rows: the
/// generator maps noise and a conditional vector to one Gumbel-softmax per column; the
/// discriminator scores a row beside its conditional vector. Only the discriminator reads real
/// rows, and it is trained with DP-SGD; the generator learns from the discriminator alone, so it
/// is post-processing (DP-CTGAN, Fang et al. 2022).
public struct ConditionalGAN: Sendable, Codable {
    public var generator: MultilayerPerceptron
    public var discriminator: MultilayerPerceptron
    public let domain: [Int]
    public let noiseDimension: Int
    /// Category weights of the conditional vectors (from DP one-way marginals).
    let conditionWeights: [[Double]]
    static let temperature: Float = 0.2

    var table: OneHotTable { OneHotTable(domain: domain) }

    init(domain: [Int], hidden: Int, noiseDimension: Int, conditionWeights: [[Double]], source: RandomSource) {
        let width = domain.reduce(0, +)
        self.domain = domain
        self.noiseDimension = noiseDimension
        self.conditionWeights = conditionWeights
        let shape = Self.shape(width: width, hidden: hidden, noiseDimension: noiseDimension)
        generator = MultilayerPerceptron(widths: shape.generator, hidden: .relu, output: .identity, source: source)
        discriminator = MultilayerPerceptron(
            widths: shape.discriminator, hidden: .leakyRelu, output: .identity, source: source)
    }

    /// The layer widths for a table `width` one-hot columns wide: the generator takes noise and a
    /// condition, the discriminator a row and its condition.
    static func shape(width: Int, hidden: Int, noiseDimension: Int) -> (generator: [Int], discriminator: [Int]) {
        ([noiseDimension + width, hidden, hidden, width], [2 * width, hidden, hidden, 1])
    }

    /// Conditional vectors drawn from the DP weights: their (column, category) and one-hot rows.
    func drawConditions(_ count: Int, source: RandomSource) -> (
        choices: [(column: Int, category: Int)], vectors: Matrix
    ) {
        let sampler = ConditionalVectors(table: table, weights: conditionWeights)
        var vectors = Matrix(zeros: count, table.width)
        var choices: [(column: Int, category: Int)] = []
        for row in 0..<count {
            let choice = sampler.draw(source: source)
            choices.append(choice)
            vectors[row, table.blocks[choice.column].lowerBound + choice.category] = 1
        }
        return (choices, vectors)
    }

    /// Generator output for `conditions`: the logits and their Gumbel-softmax rows.
    func generate(_ conditions: Matrix, source: RandomSource) -> (
        logits: Matrix, rows: Matrix, cache: MultilayerPerceptron.Cache
    ) {
        let noise = Matrix(
            rows: conditions.rows, columns: noiseDimension,
            values: source.standardNormals(conditions.rows * noiseDimension))
        let (logits, cache) = generator.forward(Matrix.concatenate(noise, conditions))
        return (
            logits, GumbelSoftmax.forward(logits, blocks: table.blocks, temperature: Self.temperature, source: source),
            cache
        )
    }

    /// Synthetic rows: each from a fresh conditional vector and noise, one category drawn per
    /// column from the generator's softmax. Post-processing.
    public func sample(rows: Int, schema: Schema, source: RandomSource) -> EncodedDataset {
        var codes = domain.map { _ in [UInt16](repeating: 0, count: rows) }
        for start in stride(from: 0, to: rows, by: 1024) {
            let count = min(1024, rows - start)
            let logits = generate(drawConditions(count, source: source).vectors, source: source).logits
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

extension ConditionalVectors {
    init(table: OneHotTable, weights: [[Double]]) {
        self.table = table
        self.weights = weights
    }
}

extension Matrix {
    /// [a | b]: the columns of a followed by those of b, row by row.
    static func concatenate(_ a: Matrix, _ b: Matrix) -> Matrix {
        precondition(a.rows == b.rows, "concatenated matrices need the same rows")
        var result = Matrix(zeros: a.rows, a.columns + b.columns)
        for row in 0..<a.rows {
            result.values.replaceSubrange(
                (row * result.columns)..<(row * result.columns + a.columns),
                with: a.values[(row * a.columns)..<((row + 1) * a.columns)])
            result.values.replaceSubrange(
                (row * result.columns + a.columns)..<((row + 1) * result.columns),
                with: b.values[(row * b.columns)..<((row + 1) * b.columns)])
        }
        return result
    }

    /// Columns `range` of every row.
    func columns(_ range: Range<Int>) -> Matrix {
        var result = Matrix(zeros: rows, range.count)
        for row in 0..<rows {
            result.values.replaceSubrange(
                (row * range.count)..<((row + 1) * range.count),
                with: values[(row * columns + range.lowerBound)..<(row * columns + range.upperBound)])
        }
        return result
    }
}

/// Drawing one category of a block from softmax(logits).
enum SoftmaxDraw {
    static func draw(_ logits: Matrix, row: Int, block: Range<Int>, source: RandomSource) -> Int {
        var top = -Float.infinity
        for index in block { top = max(top, logits[row, index]) }
        let weights = block.map { exp(Double(logits[row, $0] - top)) }
        var u = Double(source.nextUInt64() >> 11) * 0x1p-53 * weights.reduce(0, +)
        for (offset, weight) in weights.enumerated() {
            if u < weight { return offset }
            u -= weight
        }
        return block.count - 1
    }
}
