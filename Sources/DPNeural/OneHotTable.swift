import DPData

/// An encoded table as one-hot rows: each column's codes (its public domain from the schema,
/// numeric columns already in their declared bins) take one block of inputs. No statistic of
/// the data is computed, so the transform spends no budget.
public struct OneHotTable: Sendable {
    public let domain: [Int]
    public let blocks: [Range<Int>]
    public let width: Int

    public init(domain: [Int]) {
        self.domain = domain
        var blocks: [Range<Int>] = []
        var start = 0
        for size in domain {
            blocks.append(start..<(start + size))
            start += size
        }
        self.blocks = blocks
        width = start
    }

    /// The one-hot matrix of `data` and each row's code per column.
    public func encode(_ data: EncodedDataset) -> (inputs: Matrix, targets: [[Int]]) {
        var inputs = Matrix(zeros: data.rowCount, width)
        var targets = [[Int]](repeating: [], count: data.rowCount)
        for row in 0..<data.rowCount {
            targets[row] = data.codes.map { Int($0[row]) }
            for (column, block) in blocks.enumerated() {
                inputs.values[row * width + block.lowerBound + targets[row][column]] = 1
            }
        }
        return (inputs, targets)
    }
}
