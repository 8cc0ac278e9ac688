import Dispatch
import Foundation

/// A contingency table over a subset of columns: exact counts of every combination of codes,
/// in row-major order of `attributes` (the last attribute varies fastest), indexed from 0.
/// Counts are 32-bit and tables of one batch share one allocation, so many large tables stay
/// small in memory; a table whose cells are mostly empty may keep its nonzero cells only
/// (`compacted`), with the same counts and answers. `values` gives them as doubles.
///
/// Privacy: these are exact counts of the private data; release them only through a mechanism.
public struct ContingencyTable: Sendable, Equatable, RandomAccessCollection {
    public let attributes: [Int]
    public let shape: [Int]
    let storage: Storage

    /// Every cell's count, or the nonzero cells in ascending order with their counts.
    enum Storage: Sendable {
        case dense(ArraySlice<UInt32>)
        case sparse(cells: [UInt32], counts: [UInt32], cellCount: Int)
    }

    public init(attributes: [Int], shape: [Int], counts: ArraySlice<UInt32>) {
        precondition(shape.reduce(1, *) == counts.count, "counts must fill the shape")
        self.attributes = attributes
        self.shape = shape
        self.storage = .dense(counts)
    }

    init(attributes: [Int], shape: [Int], storage: Storage) {
        self.attributes = attributes
        self.shape = shape
        self.storage = storage
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int {
        switch storage {
        case .dense(let counts): counts.count
        case .sparse(_, _, let cellCount): cellCount
        }
    }

    /// The count of cell `cell` (0-based, row-major).
    public subscript(cell: Int) -> UInt32 {
        switch storage {
        case .dense(let counts): return counts[counts.startIndex + cell]
        case .sparse(let cells, let counts, _):
            guard let position = Self.position(of: cell, in: cells) else { return 0 }
            return counts[position]
        }
    }

    /// The counts as an array.
    public var counts: [UInt32] {
        switch storage {
        case .dense(let counts): return Array(counts)
        case .sparse:
            var all = [UInt32](repeating: 0, count: count)
            forEachNonzero { cell, count in all[cell] = count }
            return all
        }
    }

    /// The counts as doubles.
    public var values: [Double] {
        switch storage {
        case .dense(let counts): return counts.map(Double.init)
        case .sparse:
            var all = [Double](repeating: 0, count: count)
            forEachNonzero { cell, count in all[cell] = Double(count) }
            return all
        }
    }

    public var total: Int {
        switch storage {
        case .dense(let counts): counts.reduce(0) { $0 + Int($1) }
        case .sparse(_, let counts, _): counts.reduce(0) { $0 + Int($1) }
        }
    }

    /// Calls `body(cell, count)` for every cell whose count is not zero, in ascending order.
    public func forEachNonzero(_ body: (Int, UInt32) -> Void) {
        switch storage {
        case .dense(let counts):
            for (cell, count) in counts.enumerated() where count != 0 { body(cell, count) }
        case .sparse(let cells, let counts, _):
            for (cell, count) in zip(cells, counts) { body(Int(cell), count) }
        }
    }

    /// Σ |count − estimate| over the cells (`estimate` in the same cell order).
    public func absoluteDifference(from estimate: [Double]) -> Double {
        precondition(estimate.count == count, "an estimate must have one value per cell")
        switch storage {
        case .dense(let counts):
            return counts.withUnsafeBufferPointer { counts in
                estimate.withUnsafeBufferPointer { estimate in
                    var sum = ScoreSum()
                    for cell in 0..<counts.count { sum.add(Double(counts[cell]) - estimate[cell]) }
                    return sum.value
                }
            }
        case .sparse(let cells, let counts, _):
            // Every cell contributes |estimate|; a nonzero cell swaps that for |count − estimate|.
            var sum = ScoreSum()
            for value in estimate { sum.add(value) }
            for (cell, count) in zip(cells, counts) {
                let value = estimate[Int(cell)]
                sum.add(Double(count) - value)
                sum.subtract(value)
            }
            return sum.value
        }
    }

    /// Σ |count − scale · other's count| over the cells (`other` over the same cells), without
    /// making a table of doubles.
    public func absoluteDifference(from other: ContingencyTable, scale: Double) -> Double {
        precondition(other.count == count, "an estimate must have one value per cell")
        switch (storage, other.storage) {
        case (.dense(let counts), .dense(let estimates)):
            return counts.withUnsafeBufferPointer { counts in
                estimates.withUnsafeBufferPointer { estimate in
                    var sum = ScoreSum()
                    for cell in 0..<counts.count { sum.add(Double(counts[cell]) - scale * Double(estimate[cell])) }
                    return sum.value
                }
            }
        case (.sparse(let cells, let counts, _), _):
            var sum = ScoreSum()
            other.forEachNonzero { _, estimate in sum.add(scale * Double(estimate)) }
            for (cell, count) in zip(cells, counts) {
                let value = scale * Double(other[Int(cell)])
                sum.add(Double(count) - value)
                sum.subtract(value)
            }
            return sum.value
        case (.dense, .sparse):
            // A sparse estimate of a dense table: no path that counts reads one (a sparse model
            // sample is `SparseCounts`, which has this sum); the estimate as doubles answers it.
            return absoluteDifference(from: other.values.map { scale * $0 })
        }
    }

    public static func == (lhs: ContingencyTable, rhs: ContingencyTable) -> Bool {
        guard lhs.attributes == rhs.attributes && lhs.shape == rhs.shape else { return false }
        if case .dense(let left) = lhs.storage, case .dense(let right) = rhs.storage {
            return left.elementsEqual(right)
        }
        var left: [(Int, UInt32)] = []
        var right: [(Int, UInt32)] = []
        lhs.forEachNonzero { left.append(($0, $1)) }
        rhs.forEachNonzero { right.append(($0, $1)) }
        return left.elementsEqual(right) { $0 == $1 }
    }
}

extension EncodedDataset {
    /// Rows per thread below which one marginal is counted on one thread.
    static let parallelRowThreshold = 1 << 20

    /// The contingency table over `attributes` (encoded column indices), counted in one pass;
    /// large inputs are split over the cores.
    public func marginal(_ attributes: [Int]) -> ContingencyTable {
        let shape = attributes.map { domain[$0] }
        let cells = shape.reduce(1, *)
        let threads = rowCount >= Self.parallelRowThreshold ? min(ProcessInfo.processInfo.activeProcessorCount, 8) : 1
        var counts = [UInt32](repeating: 0, count: cells)
        if threads == 1 {
            counts.withUnsafeMutableBufferPointer {
                countMarginal(attributes, shape: shape, rows: 0..<rowCount, into: $0)
            }
            return ContingencyTable(attributes: attributes, shape: shape, counts: counts[...])
        }
        let chunk = (rowCount + threads - 1) / threads
        let partials = SharedBuffer<UInt32>(capacity: cells * threads)
        partials.buffer.initialize(repeating: 0)
        defer { partials.buffer.deallocate() }
        DispatchQueue.concurrentPerform(iterations: threads) { thread in
            let rows = (thread * chunk)..<min(rowCount, (thread + 1) * chunk)
            let slice = UnsafeMutableBufferPointer(rebasing: partials.buffer[(thread * cells)..<((thread + 1) * cells)])
            countMarginal(attributes, shape: shape, rows: rows, into: slice)
        }
        for thread in 0..<threads {
            for cell in 0..<cells { counts[cell] &+= partials.buffer[thread * cells + cell] }
        }
        return ContingencyTable(attributes: attributes, shape: shape, counts: counts[...])
    }

    /// Many contingency tables at once, spread over the cores. All tables share one allocation
    /// (backed by huge pages where the kernel allows), which saves most page faults and TLB
    /// misses when the tables are large.
    public func marginals(_ attributeSets: [[Int]]) -> [ContingencyTable] {
        if rowCount >= Self.parallelRowThreshold { return attributeSets.map(marginal) }
        return marginals(attributeSets, firstRows: [Int](repeating: rowCount, count: attributeSets.count))
    }

    /// Many contingency tables at once, each over the first `firstRows[i]` rows only, spread over
    /// the cores by table (one allocation for all, as above).
    public func marginals(_ attributeSets: [[Int]], firstRows: [Int]) -> [ContingencyTable] {
        precondition(firstRows.count == attributeSets.count && firstRows.allSatisfy { (0...rowCount).contains($0) })
        let shapes = attributeSets.map { $0.map { domain[$0] } }
        let offsets = shapes.reduce(into: [0]) { offsets, shape in offsets.append(offsets.last! + shape.reduce(1, *)) }
        let total = offsets.last!
        let storage = [UInt32](unsafeUninitializedCapacity: total) { buffer, initialized in
            HugePages.advise(UnsafeMutableRawBufferPointer(buffer))
            let shared = SharedBuffer(wrapping: buffer)
            let threads = min(ProcessInfo.processInfo.activeProcessorCount, max(1, attributeSets.count))
            DispatchQueue.concurrentPerform(iterations: threads) { thread in
                for index in stride(from: thread, to: attributeSets.count, by: threads) {
                    let table = UnsafeMutableBufferPointer(rebasing: shared.buffer[offsets[index]..<offsets[index + 1]])
                    table.initialize(repeating: 0)
                    countMarginal(attributeSets[index], shape: shapes[index], rows: 0..<firstRows[index], into: table)
                }
            }
            initialized = total
        }
        return attributeSets.indices.map {
            ContingencyTable(
                attributes: attributeSets[$0], shape: shapes[$0], counts: storage[offsets[$0]..<offsets[$0 + 1]])
        }
    }

    /// Tables up to this many cells are counted in four interleaved copies, which breaks the
    /// store-to-load chains that skewed data (one hot cell) causes; larger tables are counted once.
    static let interleavedCellLimit = 1 << 15

    /// Adds the counts of `rows` into `counts` (no allocation per row).
    func countMarginal(
        _ attributes: [Int], shape: [Int], rows: Range<Int>, into counts: UnsafeMutableBufferPointer<UInt32>
    ) {
        if attributes.isEmpty {
            counts[0] &+= UInt32(rows.count)
            return
        }
        let cells = counts.count
        if cells <= Self.interleavedCellLimit && rows.count >= 4 * cells {
            let copies = UnsafeMutableBufferPointer<UInt32>.allocate(capacity: 4 * cells)
            copies.initialize(repeating: 0)
            defer { copies.deallocate() }
            forEachCell(attributes, shape: shape, rows: rows) { offset, cell in
                copies[(offset & 3) &* cells &+ cell] &+= 1
            }
            for cell in 0..<cells {
                counts[cell] &+=
                    copies[cell] &+ copies[cells + cell] &+ copies[2 * cells + cell] &+ copies[3 * cells + cell]
            }
        } else {
            forEachCell(attributes, shape: shape, rows: rows) { _, cell in counts[cell] &+= 1 }
        }
    }

    /// Calls `visit(offset, cell)` for each row of `rows` with the row's cell index in the table.
    @inline(__always)
    func forEachCell(_ attributes: [Int], shape: [Int], rows: Range<Int>, _ visit: (Int, Int) -> Void) {
        let columns = attributes.map { codes[$0] }
        switch attributes.count {
        case 1:
            columns[0].withUnsafeBufferPointer { a in
                for row in rows { visit(row, Int(a[row])) }
            }
        case 2:
            let sb = shape[1]
            columns[0].withUnsafeBufferPointer { a in
                columns[1].withUnsafeBufferPointer { b in
                    for row in rows { visit(row, Int(a[row]) &* sb &+ Int(b[row])) }
                }
            }
        case 3:
            let sb = shape[1]
            let sc = shape[2]
            columns[0].withUnsafeBufferPointer { a in
                columns[1].withUnsafeBufferPointer { b in
                    columns[2].withUnsafeBufferPointer { c in
                        for row in rows { visit(row, (Int(a[row]) &* sb &+ Int(b[row])) &* sc &+ Int(c[row])) }
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
            for (offset, cell) in index.enumerated() { visit(rows.lowerBound + offset, cell) }
        }
    }
}

/// A buffer that threads write at disjoint indices (each index has one writer).
final class SharedBuffer<Element>: @unchecked Sendable {
    let buffer: UnsafeMutableBufferPointer<Element>

    init(capacity: Int) {
        buffer = .allocate(capacity: capacity)
    }

    init(wrapping buffer: UnsafeMutableBufferPointer<Element>) {
        self.buffer = buffer
    }
}

/// Asks the kernel to back large, not yet touched memory with transparent huge pages.
enum HugePages {
    static let size = 2 << 20

    static func advise(_ memory: UnsafeMutableRawBufferPointer) {
        guard let base = memory.baseAddress, memory.count >= 2 * size else { return }
        let start = (Int(bitPattern: base) + size - 1) & ~(size - 1)
        let end = (Int(bitPattern: base) + memory.count) & ~(size - 1)
        guard end > start, let aligned = UnsafeMutableRawPointer(bitPattern: start) else { return }
        _ = madvise(aligned, end - start, MADV_HUGEPAGE)
    }
}
