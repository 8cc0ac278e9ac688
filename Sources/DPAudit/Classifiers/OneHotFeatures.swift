import DPData

/// Rows as one-hot features: every code of every feature column is one input, so a row has
/// exactly one active input per column and a linear model reads it as a sum of weights.
public struct OneHotFeatures: Sendable {
    /// The encoded columns used as features.
    public let columns: [Int]
    /// The first input of each feature column.
    public let offsets: [Int]
    public let width: Int

    public init(domain: [Int], columns: [Int]) {
        self.columns = columns
        var offsets: [Int] = []
        var next = 0
        for column in columns {
            offsets.append(next)
            next += domain[column]
        }
        self.offsets = offsets
        width = next
    }

    /// active[row * columns.count + j]: the active input of feature column j in `row`.
    public func activeInputs(_ data: EncodedDataset) -> [Int32] {
        var active = [Int32](repeating: 0, count: data.rowCount * columns.count)
        for (j, column) in columns.enumerated() {
            let codes = data.codes[column]
            let offset = offsets[j]
            let stride = columns.count
            for row in 0..<data.rowCount { active[row * stride + j] = Int32(offset + Int(codes[row])) }
        }
        return active
    }
}
