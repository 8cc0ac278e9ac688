/// A column's finite numbers held as counts, enough for its DP bounds (`PrivateBounds`): how many
/// fall in each public magnitude bin, and how many lie in each gap of the quantile candidate grid,
/// which gives every candidate's rank exactly. Its size is fixed, whatever the column's length.
struct NumberHistogram: Sendable, Equatable {
    /// How many numbers were added.
    private(set) var count = 0
    /// Numbers per magnitude bin (`PrivateBounds.bin(of:)`).
    private(set) var binCounts = [Int](repeating: 0, count: PrivateBounds.edges.count - 1)
    /// `gaps[g]`: numbers with exactly `g` grid candidates at or below them.
    private var gaps = [Int](repeating: 0, count: QuantileGrid.candidates.count + 1)

    init() {}

    init(_ values: some Sequence<Double>) {
        for value in values { add(value) }
    }

    /// Adds `value` when it is finite; other values are not numbers a bound can hold.
    mutating func add(_ value: Double) {
        guard value.isFinite else { return }
        count += 1
        binCounts[PrivateBounds.bin(of: value)] += 1
        gaps[QuantileGrid.candidates.countAtOrBelow(value)] += 1
    }

    /// How many numbers lie below each of `candidates`, which are grid points in ascending order.
    func ranks(below candidates: [Double]) -> [Int] {
        var below = 0
        var gap = 0
        return candidates.map { candidate in
            // A number lies below the k-th grid point when at most k points are at or below it.
            let index = QuantileGrid.candidates.countAtOrBelow(candidate) - 1
            precondition(index >= 0 && QuantileGrid.candidates[index] == candidate, "not a grid point")
            while gap <= index {
                below += gaps[gap]
                gap += 1
            }
            return below
        }
    }
}
