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

    /// A uniform double in [0, 1) with 53 random bits.
    func unitInterval() -> Double { Double(nextUInt64() >> 11) * 0x1p-53 }
}

extension EncodedDataset {
    /// The table with repeated rows kept once (first occurrence), as Anonymeter compares tables.
    func deduplicated() -> EncodedDataset {
        var seen = Set<[UInt16]>()
        var keep: [Int] = []
        for row in 0..<rowCount where seen.insert(codes.map { $0[row] }).inserted { keep.append(row) }
        return keep.count == rowCount ? self : rows(keep)
    }

    /// Row `index` as its codes, column by column.
    func row(_ index: Int) -> [UInt16] { codes.map { $0[index] } }
}
