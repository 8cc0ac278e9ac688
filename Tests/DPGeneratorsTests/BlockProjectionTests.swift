import DPRandomness
import Foundation
import Testing

@testable import DPGenerators

/// The block form of a projection against the per-cell one it replaces on the estimator's paths.
@Suite struct BlockProjectionTests {
    /// Sources and targets covering each kind of block: kept trailing axes, summed-out trailing
    /// axes, runs cut at the longest run, a target in another order than the source (cell by
    /// cell), the empty target and the empty source.
    static let cases: [(source: [Int], shape: [Int], target: [Int])] = [
        ([0, 1, 2], [3, 4, 5], [2]),
        ([0, 1, 2], [3, 4, 5], [1, 2]),
        ([0, 1, 2], [3, 4, 5], [0]),
        ([0, 1, 2], [3, 4, 5], [0, 2]),
        ([0, 1, 2], [3, 4, 5], []),
        ([0, 1, 2, 3], [2, 40, 30, 3], [0]),
        ([0, 1, 2, 3], [2, 40, 30, 3], [1, 2, 3]),
        ([0, 1, 2, 3], [2, 40, 30, 3], [0, 1, 2, 3]),
        ([0, 1, 2], [3, 4, 5], [2, 0]),
        ([0, 1, 2], [3, 2000, 2], [1]),
        ([], [], []),
    ]

    /// The target cell of every source cell, from each cell's coordinates.
    static func targets(_ entry: (source: [Int], shape: [Int], target: [Int])) -> [Int32] {
        (0..<entry.shape.reduce(1, *)).map { cell in
            var coordinates = [Int: Int]()
            var rest = cell
            for (axis, attribute) in entry.source.enumerated().reversed() {
                coordinates[attribute] = rest % entry.shape[axis]
                rest /= entry.shape[axis]
            }
            return Int32(
                entry.target.reduce(0) { $0 * entry.shape[entry.source.firstIndex(of: $1)!] + coordinates[$1]! })
        }
    }

    /// The target of every cell of a block projection's blocks.
    static func cellTargets(_ blocks: BlockProjection) -> [Int32] {
        var index = [Int32](repeating: 0, count: blocks.blocks * blocks.run)
        blocks.forEach(0..<blocks.blocks) { cell, start in
            for offset in 0..<blocks.run { index[cell + offset] = Int32(blocks.runKept ? start + offset : start) }
        }
        return index
    }

    @Test func everyCellMapsToItsTarget() {
        for entry in Self.cases {
            let blocks = BlockProjection(from: entry.source, shape: entry.shape, to: entry.target)
            let cells = Projection(from: entry.source, shape: entry.shape, to: entry.target)
            #expect(Self.cellTargets(blocks) == Self.targets(entry), "\(entry)")
            #expect(cells.index == Self.targets(entry), "\(entry)")
            #expect(blocks.targetShape == cells.targetShape)
            #expect(blocks.blocks * blocks.run == entry.shape.reduce(1, *))
            #expect(blocks.run <= max(BlockProjection.longestRun, entry.shape.last ?? 1))
        }
        // Whole trailing blocks where the layout allows them.
        #expect(BlockProjection(from: [0, 1, 2], shape: [3, 4, 5], to: [0]).run == 20)
        #expect(BlockProjection(from: [0, 1, 2], shape: [3, 4, 5], to: [1, 2]).run == 20)
        #expect(BlockProjection(from: [0, 1, 2, 3], shape: [2, 40, 30, 3], to: [0]).run == 90)
        #expect(BlockProjection(from: [0, 1, 2], shape: [3, 4, 5], to: [2, 0]).run == 1)
    }

    @Test func sumsAndBroadcastsEqualTheirPerCellLoops() {
        let source = RandomSource.seeded(21)
        for entry in Self.cases {
            let blocks = BlockProjection(from: entry.source, shape: entry.shape, to: entry.target)
            let index = Projection(from: entry.source, shape: entry.shape, to: entry.target).index
            let size = entry.shape.reduce(1, *)
            let values = (0..<size).map { _ in Double(source.uniform(below: 1000)) - 500 }
            let small = (0..<blocks.targetSize).map { _ in Double(source.uniform(below: 1000)) / 7 }
            var expectedSums = [Double](repeating: 0, count: blocks.targetSize)
            for cell in 0..<size { expectedSums[Int(index[cell])] += values[cell] }
            var sums = [Double](repeating: 0, count: blocks.targetSize)
            values.withUnsafeBufferPointer { values in
                sums.withUnsafeMutableBufferPointer { sums in
                    blocks.sum(values.baseAddress!, blocks: 0..<blocks.blocks, into: sums.baseAddress!)
                }
            }
            // Integer-valued cells: every order of addition gives the exact sum.
            #expect(sums == expectedSums, "\(entry)")
            let expectedBroadcast = (0..<size).map { values[$0] - 0.5 * small[Int(index[$0])] }
            var broadcast = [Double](repeating: .nan, count: size)
            small.withUnsafeBufferPointer { small in
                values.withUnsafeBufferPointer { values in
                    broadcast.withUnsafeMutableBufferPointer { out in
                        blocks.broadcast(
                            small.baseAddress!, scale: -0.5, blocks: 0..<blocks.blocks, onto: values.baseAddress!,
                            into: out.baseAddress!)
                    }
                }
            }
            #expect(broadcast == expectedBroadcast, "\(entry)")
        }
    }
}
