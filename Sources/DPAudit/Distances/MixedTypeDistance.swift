import DPData

/// The Gower-style distance between two encoded rows over a set of columns: a categorical
/// or coded column adds 1 when the codes differ (coded levels carry no declared order); a binned
/// numeric column adds the bin difference over the bin range, capped at 1; a missing value is
/// 1 away from any present value and 0 from another missing value.
///
/// Audit figure: computed on real data, never released as a DP statistic.
public struct MixedTypeDistance: Sendable {
    /// How one column contributes.
    public enum Treatment: Sendable, Equatable {
        case mismatch
        case ordered(scale: Float)
    }

    /// The encoded columns compared, in dataset order.
    public let columns: [Int]
    public let treatments: [Treatment]
    let missingCodes: [Int?]

    /// Distance value given to a missing code of an ordered column: far from every present value.
    static let missingPosition: Float = 1e6

    public init(schema columns: [Column], compare: [Int]) {
        self.columns = compare
        treatments = compare.map { index in
            let column = columns[index]
            switch column.kind {
            case .categorical, .coded, .identifier:
                return .mismatch
            case .integer, .real:
                let levels = column.valueCodeCount
                return levels > 1 ? .ordered(scale: 1 / Float(levels - 1)) : .mismatch
            }
        }
        missingCodes = compare.map { columns[$0].missingCode }
    }

    /// The distance over all encoded columns of `dataset`.
    public init(dataset: EncodedDataset) {
        self.init(schema: dataset.columns, compare: Array(dataset.columns.indices))
    }

    /// Column `position` of `dataset` as the floats the search compares: codes for a mismatch
    /// column, scaled positions for an ordered one.
    func prepared(_ dataset: EncodedDataset, position: Int) -> [Float] {
        let codes = dataset.codes[columns[position]]
        switch treatments[position] {
        case .mismatch:
            return codes.map { Float($0) }
        case .ordered(let scale):
            let missing = missingCodes[position]
            return codes.map { Int($0) == missing ? Self.missingPosition : Float($0) * scale }
        }
    }

    /// The distance between row `a` of `x` and row `b` of `y`, computed directly (for checks).
    public func distance(_ x: EncodedDataset, _ a: Int, _ y: EncodedDataset, _ b: Int) -> Float {
        var total: Float = 0
        for (position, column) in columns.enumerated() {
            let u = Int(x.codes[column][a])
            let v = Int(y.codes[column][b])
            switch treatments[position] {
            case .mismatch:
                total += u == v ? 0 : 1
            case .ordered(let scale):
                let missing = missingCodes[position]
                if u == missing || v == missing {
                    total += u == v ? 0 : 1
                } else {
                    total += min(1, Float(abs(u - v)) * scale)
                }
            }
        }
        return total
    }
}
