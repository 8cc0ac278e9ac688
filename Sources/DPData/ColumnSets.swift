extension PrivateTable {
    /// Every `size`-column set of the encoded columns as ascending column indices, in
    /// lexicographic order (none when `size` is outside 1...columns): the usual marginal workloads.
    public func columnSets(size: Int) -> [[Int]] {
        let count = columns.count
        guard size >= 1, size <= count else { return [] }
        var sets: [[Int]] = [[]]
        for _ in 0..<size { sets = sets.flatMap { set in ((set.last ?? -1) + 1..<count).map { set + [$0] } } }
        return sets
    }
}
