import DPData
import Foundation

/// Exact k-nearest-neighbour search under a `MixedTypeDistance`: references are cut into
/// cache-sized blocks stored column by column, the distances from one query to a block are
/// accumulated column by column in vectorised loops, and queries are spread over the cores.
public struct NearestNeighbours: Sendable {
    /// One neighbour: its row in the reference table and its distance.
    public struct Neighbour: Sendable, Equatable {
        public let index: Int
        public let distance: Float
    }

    public let distance: MixedTypeDistance
    let reference: [[Float]]
    public let referenceCount: Int
    static let blockSize = 2048
    /// Distances this close (relative to the larger of 1 and the distance) are one distance: an
    /// ordered column adds a multiple of its scale, and equal multiples of different codes
    /// differ in a float's last places. Smaller than the step of any column's scale.
    public static let tieTolerance: Float = 1e-5

    public init(reference: EncodedDataset, distance: MixedTypeDistance) {
        self.distance = distance
        self.reference = distance.columns.indices.map { distance.prepared(reference, position: $0) }
        referenceCount = reference.rowCount
    }

    /// The `k` nearest references of each query row (closest first; ties broken by lower index).
    public func nearest(_ queries: EncodedDataset, k: Int) -> [[Neighbour]] {
        precondition(k >= 1 && k <= referenceCount, "k must be between 1 and the reference size")
        let prepared = distance.columns.indices.map { distance.prepared(queries, position: $0) }
        return Self.splitOverCores(queries.rowCount, initial: []) { rows, output in
            search(prepared, rows: rows, k: k) { row, neighbours in output.buffer[row] = neighbours }
        }
    }

    /// For each query row and each bandwidth h, the sum over references of the kernel
    /// (1 - d / h)^2 for d < h: a compact-support density estimate, up to normalisation, at
    /// several widths from one pass over the references.
    public func kernelSums(bandwidths: [Float], of queries: EncodedDataset) -> [[Double]] {
        let prepared = distance.columns.indices.map { distance.prepared(queries, position: $0) }
        let zeros = [Double](repeating: 0, count: bandwidths.count)
        return Self.splitOverCores(queries.rowCount, initial: zeros) { rows, output in
            forEachBlock(prepared, rows: rows) { row, block, distances in
                for (position, bandwidth) in bandwidths.enumerated() {
                    var total: Float = 0
                    for offset in 0..<block.count {
                        let weight = max(0, 1 - distances[offset] / bandwidth)
                        total += weight * weight
                    }
                    output.buffer[row][position] += Double(total)
                }
            }
        }
    }

    /// For each query row, the distance to its `k`-th nearest reference: the radius of its `k`
    /// nearest, every reference tied with the `k`-th included.
    public func kthDistances(_ queries: EncodedDataset, k: Int) -> [Float] {
        nearest(queries, k: k).map { $0[k - 1].distance }
    }

    /// For each query row, `accumulate` folded over every reference within `radii[row]` of it
    /// (distance at most the radius, within `tieTolerance`), from `initial`. A fold over a whole
    /// tied neighbourhood does not depend on the references' order, where a pick of one of them
    /// would.
    public func foldWithin<T>(
        _ queries: EncodedDataset, radii: [Float], initial: T, _ accumulate: @Sendable (inout T, Int) -> Void
    ) -> [T] {
        precondition(radii.count == queries.rowCount, "one radius per query row")
        let prepared = distance.columns.indices.map { distance.prepared(queries, position: $0) }
        return Self.splitOverCores(queries.rowCount, initial: initial) { rows, output in
            forEachBlock(prepared, rows: rows) { row, block, distances in
                let radius = radii[row] + Self.tieTolerance * max(1, radii[row])
                for offset in 0..<block.count where distances[offset] <= radius {
                    accumulate(&output.buffer[row], block.lowerBound + offset)
                }
            }
        }
    }

    /// One result per query row, the rows cut into one contiguous range per core; `work` fills
    /// its range's entries (and only those) of the shared output.
    static func splitOverCores<T>(_ count: Int, initial: T, work: @Sendable (Range<Int>, UncheckedBuffer<T>) -> Void)
        -> [T]
    {
        var results = [T](repeating: initial, count: count)
        let threads = max(1, min(ProcessInfo.processInfo.activeProcessorCount, count / 64))
        let chunk = (count + threads - 1) / threads
        results.withUnsafeMutableBufferPointer { output in
            let output = UncheckedBuffer(output)
            DispatchQueue.concurrentPerform(iterations: threads) { thread in
                let rows = (thread * chunk)..<min(count, (thread + 1) * chunk)
                if !rows.isEmpty { work(rows, output) }
            }
        }
        return results
    }

    func search(_ prepared: [[Float]], rows: Range<Int>, k: Int, deliver: (Int, [Neighbour]) -> Void) {
        var best = [[Neighbour]](repeating: [], count: rows.count)
        forEachBlock(prepared, rows: rows) { row, block, distances in
            var kept = best[row - rows.lowerBound]
            var worst = kept.count == k ? kept[k - 1].distance : .infinity
            for offset in 0..<block.count where distances[offset] < worst {
                let candidate = Neighbour(index: block.lowerBound + offset, distance: distances[offset])
                let position = kept.firstIndex { $0.distance > candidate.distance } ?? kept.count
                kept.insert(candidate, at: position)
                if kept.count > k { kept.removeLast() }
                if kept.count == k { worst = kept[k - 1].distance }
            }
            best[row - rows.lowerBound] = kept
        }
        for row in rows { deliver(row, best[row - rows.lowerBound]) }
    }

    /// Each of `rows` against each block of references, blocks outermost (one block stays in
    /// cache for all the rows): `visit(row, block, distances)`, distances[i] the distance from
    /// the row to reference block.lowerBound + i.
    @inline(__always)
    func forEachBlock(_ prepared: [[Float]], rows: Range<Int>, _ visit: (Int, Range<Int>, [Float]) -> Void) {
        var distances = [Float](repeating: 0, count: Self.blockSize)
        for start in stride(from: 0, to: referenceCount, by: Self.blockSize) {
            let block = start..<min(referenceCount, start + Self.blockSize)
            for row in rows {
                blockDistances(prepared, query: row, block: block, into: &distances)
                visit(row, block, distances)
            }
        }
    }

    /// distances[i] = distance(query, reference block.lowerBound + i), one column at a time.
    @inline(__always)
    func blockDistances(_ prepared: [[Float]], query: Int, block: Range<Int>, into distances: inout [Float]) {
        let count = block.count
        distances.withUnsafeMutableBufferPointer { out in
            for i in 0..<count { out[i] = 0 }
            for position in reference.indices {
                let value = prepared[position][query]
                reference[position].withUnsafeBufferPointer { column in
                    let base = column.baseAddress! + block.lowerBound
                    switch distance.treatments[position] {
                    case .mismatch:
                        for i in 0..<count { out[i] += base[i] == value ? 0 : 1 }
                    case .ordered:
                        for i in 0..<count { out[i] += min(1, abs(base[i] - value)) }
                    }
                }
            }
        }
    }
}

/// A buffer that threads write to at disjoint indices.
struct UncheckedBuffer<Element>: @unchecked Sendable {
    let buffer: UnsafeMutableBufferPointer<Element>
    init(_ buffer: UnsafeMutableBufferPointer<Element>) { self.buffer = buffer }
}
