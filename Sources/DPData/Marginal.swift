import Dispatch

/// A contingency table over a subset of columns: counts of every combination of codes,
/// in row-major order of `attributes` (the last attribute varies fastest).
public struct Marginal: Sendable, Equatable {
    public let attributes: [Int]
    public let shape: [Int]
    public var counts: [Double]

    public init(attributes: [Int], shape: [Int], counts: [Double]) {
        precondition(shape.reduce(1, *) == counts.count, "counts must fill the shape")
        self.attributes = attributes
        self.shape = shape
        self.counts = counts
    }

    public var total: Double { counts.reduce(0, +) }
}

extension EncodedDataset {
    /// Rows per thread below which one marginal is counted on one thread.
    static let parallelRowThreshold = 1 << 20

    /// The marginal over `attributes` (encoded column indices), counted in one pass.
    public func marginal(_ attributes: [Int]) -> Marginal {
        let shape = attributes.map { domain[$0] }
        let cells = shape.reduce(1, *)
        let threads = rowCount >= Self.parallelRowThreshold ? min(ProcessInfo.processInfo.activeProcessorCount, 8) : 1
        if threads == 1 {
            var counts = [UInt32](repeating: 0, count: cells)
            counts.withUnsafeMutableBufferPointer { countMarginal(attributes, shape: shape, rows: 0..<rowCount, into: $0) }
            return Marginal(attributes: attributes, shape: shape, counts: counts.map(Double.init))
        }
        let partials = SharedBuffer<UInt32>(capacity: cells * threads)
        partials.buffer.initialize(repeating: 0)
        defer { partials.buffer.deallocate() }
        let chunk = (rowCount + threads - 1) / threads
        DispatchQueue.concurrentPerform(iterations: threads) { thread in
            let rows = (thread * chunk)..<min(rowCount, (thread + 1) * chunk)
            let slice = UnsafeMutableBufferPointer(rebasing: partials.buffer[(thread * cells)..<((thread + 1) * cells)])
            countMarginal(attributes, shape: shape, rows: rows, into: slice)
        }
        var counts = [Double](repeating: 0, count: cells)
        for thread in 0..<threads {
            for cell in 0..<cells { counts[cell] += Double(partials.buffer[thread * cells + cell]) }
        }
        return Marginal(attributes: attributes, shape: shape, counts: counts)
    }

    /// Many marginals at once, spread over the cores.
    public func marginals(_ attributeSets: [[Int]]) -> [Marginal] {
        if rowCount >= Self.parallelRowThreshold { return attributeSets.map(marginal) }
        let results = SharedBuffer<Marginal?>(capacity: attributeSets.count)
        results.buffer.initialize(repeating: nil)
        defer { results.buffer.deallocate() }
        let threads = min(ProcessInfo.processInfo.activeProcessorCount, max(1, attributeSets.count))
        DispatchQueue.concurrentPerform(iterations: threads) { thread in
            for index in stride(from: thread, to: attributeSets.count, by: threads) {
                results.buffer[index] = marginal(attributeSets[index])
            }
        }
        return results.buffer.map { $0! }
    }

    /// Adds the counts of `rows` into `counts` (no allocation per row).
    func countMarginal(_ attributes: [Int], shape: [Int], rows: Range<Int>, into counts: UnsafeMutableBufferPointer<UInt32>) {
        let columns = attributes.map { codes[$0] }
        switch attributes.count {
        case 0:
            counts[0] += UInt32(rows.count)
        case 1:
            columns[0].withUnsafeBufferPointer { a in
                for row in rows { counts[Int(a[row])] &+= 1 }
            }
        case 2:
            let sb = shape[1]
            columns[0].withUnsafeBufferPointer { a in
                columns[1].withUnsafeBufferPointer { b in
                    for row in rows { counts[Int(a[row]) &* sb &+ Int(b[row])] &+= 1 }
                }
            }
        case 3:
            let sb = shape[1], sc = shape[2]
            columns[0].withUnsafeBufferPointer { a in
                columns[1].withUnsafeBufferPointer { b in
                    columns[2].withUnsafeBufferPointer { c in
                        for row in rows {
                            counts[(Int(a[row]) &* sb &+ Int(b[row])) &* sc &+ Int(c[row])] &+= 1
                        }
                    }
                }
            }
        default:
            var index = [Int](repeating: 0, count: rows.count)
            for (position, column) in columns.enumerated() {
                let size = shape[position]
                column.withUnsafeBufferPointer { values in
                    for (offset, row) in rows.enumerated() { index[offset] = index[offset] &* size &+ Int(values[row]) }
                }
            }
            for cell in index { counts[cell] &+= 1 }
        }
    }
}

import Foundation

/// A buffer that threads write at disjoint indices (each index has one writer).
final class SharedBuffer<Element>: @unchecked Sendable {
    let buffer: UnsafeMutableBufferPointer<Element>

    init(capacity: Int) {
        buffer = .allocate(capacity: capacity)
    }
}
