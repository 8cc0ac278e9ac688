/// A private table as a generator reads it: its encoded columns, the exact counts of any of its
/// marginals, and, for methods that need them, its rows. A table in memory counts its own
/// marginals; a table in a database has them counted where it lives (DPSources), so a method that
/// reads only marginals never brings a row out of the database.
///
/// Privacy: what this returns is exact and private; only a mechanism that charges a budget may
/// release anything computed from it.
public protocol PrivateTable: Sendable {
    var schema: Schema { get }
    /// The encoded columns (identifiers dropped), in code order.
    var columns: [Column] { get }
    /// Each encoded column's number of codes.
    var domain: [Int] { get }
    /// The exact contingency table of each attribute set (ascending encoded column indices).
    func marginals(_ attributeSets: [[Int]]) throws -> [ContingencyTable]
    /// Every row's codes.
    func rows() throws -> EncodedDataset
    /// Lets go of the counts the table keeps for later requests (a table in a database keeps
    /// what it counted, so that a method measuring a marginal it already scored does not count
    /// it twice); a later request counts again. Called when a fit ends, so that its counts do not
    /// stay in memory beside the fitted model while rows are drawn.
    func forgetCounts()
}

extension PrivateTable {
    /// A table that keeps no counts has nothing to let go of.
    public func forgetCounts() {}
}

extension EncodedDataset: PrivateTable {
    public func rows() -> EncodedDataset { self }
}

extension ContingencyTable {
    /// The table with each attribute's codes mapped by `mapping[attribute]` (several codes may
    /// map to one) into a domain of `domain[attribute]` codes: the counts of a recoded table.
    public func recoded(mapping: [[Int]], domain: [Int]) -> ContingencyTable {
        let newShape = attributes.map { domain[$0] }
        var counts = [UInt32](repeating: 0, count: newShape.reduce(1, *))
        forEachNonzeroCell { count, index in
            var target = 0
            for (position, attribute) in attributes.enumerated() {
                target = target * newShape[position] + mapping[attribute][index[position]]
            }
            counts[target] &+= count
        }
        return ContingencyTable(attributes: attributes, shape: newShape, counts: counts[...])
    }
}

extension ContingencyTable {
    /// The marginal over `subset` (attributes of this table, in the order wanted), by summing
    /// the other attributes out: the exact counts the rows would give for `subset`.
    public func projected(onto subset: [Int]) -> ContingencyTable {
        let positions = subset.map { attribute in attributes.firstIndex(of: attribute)! }
        let newShape = positions.map { shape[$0] }
        var counts = [UInt32](repeating: 0, count: newShape.reduce(1, *))
        forEachNonzeroCell { count, index in
            var target = 0
            for (slot, position) in positions.enumerated() { target = target * newShape[slot] + index[position] }
            counts[target] &+= count
        }
        return ContingencyTable(attributes: subset, shape: newShape, counts: counts[...])
    }
}

extension ContingencyTable {
    /// Calls `body` with the count and the per-attribute codes of every nonzero cell.
    func forEachNonzeroCell(_ body: (UInt32, [Int]) -> Void) {
        var index = [Int](repeating: 0, count: shape.count)
        forEachNonzero { cell, count in
            var rest = cell
            for position in shape.indices.reversed() {
                index[position] = rest % shape[position]
                rest /= shape[position]
            }
            body(count, index)
        }
    }
}
