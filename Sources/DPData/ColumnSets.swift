/// Every `size`-column set of `count` columns as ascending column indices, in lexicographic
/// order (none when `size` is outside 1...count): the usual marginal workloads.
public func allColumnSets(of count: Int, size: Int) -> [[Int]] {
    guard size >= 1, size <= count else { return [] }
    var sets: [[Int]] = [[]]
    for _ in 0..<size { sets = sets.flatMap { set in ((set.last ?? -1) + 1..<count).map { set + [$0] } } }
    return sets
}

extension PrivateTable {
    /// Every `size`-column set of the encoded columns (`allColumnSets`).
    public func columnSets(size: Int) -> [[Int]] { allColumnSets(of: columns.count, size: size) }
}
