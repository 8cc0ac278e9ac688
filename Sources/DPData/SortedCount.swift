extension Array where Element == Double {
    /// How many elements of this ascending array are at or below `value`, by bisection: the index
    /// of the first element above it.
    func countAtOrBelow(_ value: Double) -> Int {
        var low = 0
        var high = count
        while low < high {
            let middle = (low + high) / 2
            if self[middle] <= value { low = middle + 1 } else { high = middle }
        }
        return low
    }
}
