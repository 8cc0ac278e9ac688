import Dispatch
import Foundation

/// The nonzero cells of a contingency table and their counts, for a table with far more cells
/// than rows counted: building it costs the rows, not the cells.
///
/// Privacy: exact counts of the rows counted; counts of private data are released only through
/// a mechanism.
public struct SparseCounts: Sendable {
    /// The cells of the table (row-major, as in `ContingencyTable`).
    public let cellCount: Int
    /// The nonzero cells, in the order the rows first reach them, and their counts.
    public let cells: [Int32]
    public let counts: [UInt32]

    /// Σ |answer − scale · count| over every cell of the table, from `answer`'s total and the
    /// nonzero cells only: a cell counted zero here contributes answer's count.
    public func absoluteDifference(from answer: ContingencyTable, answerTotal: Int, scale: Double) -> Double {
        precondition(answer.count == cellCount, "an answer must have one count per cell")
        // Every cell contributes its held count (their total); a cell the sample holds swaps that
        // for |held − estimate|.
        var sum = ScoreSum()
        sum.add(units: Int64(answerTotal) * Int64(ScoreSum.unitsPerOne))
        for (cell, count) in zip(cells, counts) {
            let held = Double(answer[Int(cell)])
            sum.add(held - scale * Double(count))
            sum.subtract(held)
        }
        return sum.value
    }

    /// The table as doubles, each count times `scale`.
    public func values(scale: Double) -> [Double] {
        var values = [Double](repeating: 0, count: cellCount)
        for (cell, count) in zip(cells, counts) { values[Int(cell)] = Double(count) * scale }
        return values
    }
}

/// Scratch tables for counting sparse tables, one per thread, all zero between calls: a caller
/// that counts many batches keeps one counter, so the scratch memory is touched once.
public final class SparseCounter: @unchecked Sendable {
    /// The most cells a table counted with this counter may have.
    public let cells: Int
    private let scratch: [UnsafeMutableBufferPointer<UInt32>]

    public init(cells: Int) {
        precondition(cells <= Int(Int32.max), "sparse tables index their cells with 32 bits")
        self.cells = cells
        scratch = (0..<ProcessInfo.processInfo.activeProcessorCount).map { _ in
            let buffer = UnsafeMutableBufferPointer<UInt32>.allocate(capacity: cells)
            buffer.initialize(repeating: 0)
            return buffer
        }
    }

    deinit { for buffer in scratch { buffer.deallocate() } }

    /// The nonzero counts of many tables of `data`, each over the first `firstRows[i]` rows,
    /// spread over the cores by table; each thread clears only the scratch cells it touched.
    public func count(_ data: EncodedDataset, _ attributeSets: [[Int]], firstRows: [Int]) -> [SparseCounts] {
        precondition(
            firstRows.count == attributeSets.count && firstRows.allSatisfy { (0...data.rowCount).contains($0) })
        let shapes = attributeSets.map { $0.map { data.domain[$0] } }
        precondition(shapes.allSatisfy { $0.reduce(1, *) <= cells }, "a table is larger than the counter's scratch")
        let results = UnsafeMutableBufferPointer<SparseCounts?>.allocate(capacity: attributeSets.count)
        results.initialize(repeating: nil)
        defer {
            _ = results.deinitialize()
            results.deallocate()
        }
        nonisolated(unsafe) let shared = results
        let threads = min(scratch.count, max(1, attributeSets.count))
        let longest = firstRows.max() ?? 0
        DispatchQueue.concurrentPerform(iterations: threads) { thread in
            let table = scratch[thread]
            // The cells touched, in first-touch order: at most one per row counted.
            let touched = UnsafeMutableBufferPointer<Int>.allocate(capacity: longest)
            defer { touched.deallocate() }
            for index in stride(from: thread, to: attributeSets.count, by: threads) {
                var distinct = 0
                data.forEachCell(attributeSets[index], shape: shapes[index], rows: 0..<firstRows[index]) { _, cell in
                    if table[cell] == 0 {
                        touched[distinct] = cell
                        distinct += 1
                    }
                    table[cell] &+= 1
                }
                let cells = touched[0..<distinct].map { Int32($0) }
                let counts = cells.map { table[Int($0)] }
                for cell in cells { table[Int(cell)] = 0 }
                shared[index] = SparseCounts(cellCount: shapes[index].reduce(1, *), cells: cells, counts: counts)
            }
        }
        return results.map { $0! }
    }
}
