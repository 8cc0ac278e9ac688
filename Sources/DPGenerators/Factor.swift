import Foundation

/// A dense table over a sorted set of attributes, in row-major order (the last attribute varies
/// fastest). Used both for log-potentials and for (unnormalised) marginals.
public struct Factor: Sendable, Equatable {
    public let attributes: [Int]
    public let shape: [Int]
    public var values: [Double]

    public init(attributes: [Int], shape: [Int], values: [Double]) {
        precondition(attributes == attributes.sorted(), "factor attributes are kept sorted")
        precondition(shape.reduce(1, *) == values.count, "values must fill the shape")
        self.attributes = attributes
        self.shape = shape
        self.values = values
    }

    /// A factor filled with `value`.
    public init(attributes: [Int], domain: [Int], filledWith value: Double) {
        let shape = attributes.map { domain[$0] }
        self.init(attributes: attributes, shape: shape, values: [Double](repeating: value, count: shape.reduce(1, *)))
    }

    public var size: Int { values.count }

    /// The sum of `values` grouped by the cells of `subset` (a sorted subset of `attributes`).
    public func summed(to subset: [Int]) -> Factor {
        summed(to: subset, blocks: BlockProjection(from: attributes, shape: shape, to: subset))
    }

    /// The sum of `values` grouped by the cells of the projection's target.
    func summed(to subset: [Int], blocks projection: BlockProjection) -> Factor {
        var result = [Double](repeating: 0, count: projection.targetSize)
        values.withUnsafeBufferPointer { source in
            result.withUnsafeMutableBufferPointer { target in
                projection.sum(source.baseAddress!, blocks: 0..<projection.blocks, into: target.baseAddress!)
            }
        }
        return Factor(attributes: subset, shape: projection.targetShape, values: result)
    }

    /// log Σ exp(values) grouped by the cells of `subset`, computed stably (each group shifted by
    /// its maximum; `FastExponential` for the exponentials). A large factor is split over the
    /// cores, each part reduced on its own and the parts merged.
    public func logSumExp(to subset: [Int]) -> Factor {
        GroupedExponentials(self, to: subset).logSums
    }

    /// Adds a factor over a subset of these attributes, broadcast over the rest.
    public mutating func add(_ other: Factor, scale: Double = 1) {
        add(other, blocks: BlockProjection(from: attributes, shape: shape, to: other.attributes), scale: scale)
    }

    /// Adds a factor over the projection's target, broadcast over the rest.
    mutating func add(_ other: Factor, blocks projection: BlockProjection, scale: Double = 1) {
        other.values.withUnsafeBufferPointer { small in
            values.withUnsafeMutableBufferPointer { big in
                projection.broadcast(
                    small.baseAddress!, scale: scale, blocks: 0..<projection.blocks, onto: big.baseAddress!,
                    into: big.baseAddress!)
            }
        }
    }

    /// log Σ exp(values).
    public var logTotal: Double {
        let maximum = values.withUnsafeBufferPointer(FastExponential.maximum)
        if maximum == -.infinity { return -.infinity }
        return maximum + log(values.withUnsafeBufferPointer { FastExponential.sumExp($0, minus: maximum) })
    }
}

/// For each cell of a table over `source` attributes, the index of the matching cell in the
/// table over a sorted subset of them. Built once and reused: inference repeats the same
/// projections many times.
public struct Projection: Sendable {
    public let index: [Int32]
    public let targetShape: [Int]
    public var targetSize: Int { targetShape.reduce(1, *) }

    public init(from source: [Int], shape: [Int], to target: [Int]) {
        // Blocks of one cell: a target index per cell.
        let cells = BlockProjection(from: source, shape: shape, to: target, runAxes: 0)
        (index, targetShape) = (cells.starts, cells.targetShape)
    }
}
