import DPData
import DPRandomness

extension RandomSource {
    /// `count` distinct indices of 0..<population, uniformly (a partial Fisher-Yates shuffle).
    func sampleIndices(_ count: Int, of population: Int) -> [Int] {
        precondition(count <= population, "cannot draw more indices than the population holds")
        var pool = Array(0..<population)
        for i in 0..<count {
            let j = i + Int(uniform(below: UInt64(population - i)))
            pool.swapAt(i, j)
        }
        return Array(pool[..<count])
    }
}

extension EncodedDataset {
    /// The table with repeated rows kept once (first occurrence), as Anonymeter compares tables.
    func deduplicated() -> EncodedDataset {
        var seen = Set<[UInt16]>()
        var keep: [Int] = []
        for row in 0..<rowCount where seen.insert(codes.map { $0[row] }).inserted { keep.append(row) }
        return keep.count == rowCount ? self : rows(keep)
    }
}
