import DPRandomness
import Dispatch
import Foundation

/// Moves a sample's tables across cliques toward the model's own. Drawing rows clique by clique
/// keeps each clique's counts close to the model's, but sets of attributes from different
/// cliques only match on average. The targets are the 3-attribute sets that no clique holds,
/// taken in lexicographic order while their cells fit under a cap: the model's exact counts where
/// computing them costs no more than counting (`ExactMarginals`), the rest counted on a reference
/// sample ten times larger than the sample. Column by column, values are swapped between two
/// rows that agree on the column's Markov blanket (every other attribute of the cliques holding
/// it) whenever that lowers Σ_targets Σ_cells |sample count - reference count| (greedy local
/// search). Such a swap leaves every clique's counts unchanged. Samples above `maximumRows` are
/// left as drawn: their own sampling noise is already small, and a reference ten times larger
/// would take ten times their draw (the reference is drawn and counted in parts, so its size
/// costs time, not memory).
///
/// Post-processing of the model: it reads no private data, so it costs no privacy.
public struct SampleRefinement: Sendable {
    /// Passes over the columns; each pass proposes one swap per row for every column.
    public var passes: Int
    /// The largest number of cells (4 bytes each) the target tables may take.
    public var maximumCells: Int
    /// How many times more rows the reference sample has than the sample (at least 2).
    public var referenceFactor: Int
    /// The largest sample refined.
    public var maximumRows: Int
    /// The most reference rows drawn at once (`residual`): memory holds one part of the
    /// reference, not all of its rows.
    var referencePartRows = 500_000

    public init(passes: Int = 2, maximumCells: Int = 32_000_000, referenceFactor: Int = 10, maximumRows: Int = 400_000)
    {
        self.passes = passes
        self.maximumCells = maximumCells
        self.referenceFactor = max(2, referenceFactor)
        self.maximumRows = maximumRows
    }

    /// Every set of `size` attributes that `excluded` does not reject, in lexicographic order,
    /// skipping any set whose cells would take the total past `maximumCells`.
    func targetSets(domain: [Int], size: Int, excluded: ([Int]) -> Bool = { _ in false }) -> [[Int]] {
        var sets: [[Int]] = []
        var cells = 0
        func visit(_ chosen: [Int], from start: Int) {
            if chosen.count == size {
                let setCells = chosen.reduce(1) { $0 * domain[$1] }
                if cells + setCells <= maximumCells && !excluded(chosen) {
                    sets.append(chosen)
                    cells += setCells
                }
                return
            }
            for next in start..<domain.count { visit(chosen + [next], from: next + 1) }
        }
        visit([], from: 0)
        return sets
    }

    /// Refines `codes` (column-major, as `ModelSampler` draws them) toward `model`.
    public func refine(_ codes: inout [[UInt16]], model: CalibratedModel, source: RandomSource) {
        let domain = model.tree.domain
        let rows = codes.first?.count ?? 0
        guard rows > 1, rows <= maximumRows, domain.count > 2, model.tree.cliques.contains(where: { $0.count > 1 })
        else { return }
        let sets = targetSets(domain: domain, size: 3) { model.tree.clique(containing: $0) != nil }
        guard !sets.isEmpty else { return }
        var offsets: [Int] = []
        var strides: [[Int]] = []
        var total = 0
        for set in sets {
            offsets.append(total)
            var stride = [Int](repeating: 1, count: set.count)
            for position in Swift.stride(from: set.count - 2, through: 0, by: -1) {
                stride[position] = stride[position + 1] * domain[set[position + 1]]
            }
            strides.append(stride)
            total += set.reduce(1) { $0 * domain[$1] }
        }
        var residual = residual(
            codes, model: model, sets: sets, offsets: offsets, strides: strides, cells: total, source: source
        ).residual
        let blankets = domain.indices.map { column in
            Set(model.tree.cliques.filter { $0.contains(column) }.joined()).subtracting([column])
        }
        // For each column, the target sets a swap of it can change (those with an attribute outside
        // its blanket): where they start, the column's stride there, and the other two attributes.
        var holding = [[Target]](repeating: [], count: domain.count)
        for (index, set) in sets.enumerated() {
            for (position, attribute) in set.enumerated() {
                let others = set.indices.filter { $0 != position }
                guard !others.allSatisfy({ blankets[attribute].contains(set[$0]) }) else { continue }
                holding[attribute].append(
                    Target(
                        offset: offsets[index], stride: strides[index][position],
                        first: set[others[0]] * rows, firstStride: strides[index][others[0]],
                        second: set[others[1]] * rows, secondStride: strides[index][others[1]]))
            }
        }
        // The codes side by side (column c's rows from c × rows), so the search reads them
        // through one pointer; copied back at the end.
        let flat = UnsafeMutableBufferPointer<UInt16>.allocate(capacity: domain.count * rows)
        defer { flat.deallocate() }
        for column in domain.indices {
            _ = UnsafeMutableBufferPointer(rebasing: flat[column * rows..<(column + 1) * rows])
                .initialize(fromContentsOf: codes[column])
        }
        residual.withUnsafeMutableBufferPointer { residual in
            /// Swaps `column` between rows `x` and `y` if that lowers the distance to the targets.
            /// A target whose other two attributes agree on both rows does not change; otherwise
            /// the swap moves four distinct cells (and targets own disjoint cells), so the gain
            /// is read off the residual before anything is written.
            func propose(_ column: Int, _ targets: UnsafeBufferPointer<Target>, _ x: Int, _ y: Int) {
                let a = Int(flat[column * rows + x])
                let b = Int(flat[column * rows + y])
                guard a != b else { return }
                /// The target's cells of rows x and y, the swapped column's term left out.
                func cells(_ target: Target) -> (x: Int, y: Int) {
                    (
                        target.offset + Int(flat[target.first + x]) * target.firstStride
                            + Int(flat[target.second + x]) * target.secondStride,
                        target.offset + Int(flat[target.first + y]) * target.firstStride
                            + Int(flat[target.second + y]) * target.secondStride
                    )
                }
                var gain: Float = 0
                for target in targets {
                    let (cellX, cellY) = cells(target)
                    guard cellX != cellY else { continue }
                    let (xa, xb) = (residual[cellX + a * target.stride], residual[cellX + b * target.stride])
                    let (yb, ya) = (residual[cellY + b * target.stride], residual[cellY + a * target.stride])
                    gain += abs(xa - 1) - abs(xa) + abs(xb + 1) - abs(xb)
                    gain += abs(yb - 1) - abs(yb) + abs(ya + 1) - abs(ya)
                }
                guard gain < -1e-4 else { return }
                for target in targets {
                    let (cellX, cellY) = cells(target)
                    guard cellX != cellY else { continue }
                    residual[cellX + a * target.stride] -= 1
                    residual[cellX + b * target.stride] += 1
                    residual[cellY + b * target.stride] -= 1
                    residual[cellY + a * target.stride] += 1
                }
                flat[column * rows + x] = UInt16(b)
                flat[column * rows + y] = UInt16(a)
            }
            for _ in 0..<passes {
                for column in domain.indices where !holding[column].isEmpty {
                    // Rows grouped by their blanket's values; a swap pairs two rows of one group.
                    let blanket = blankets[column].sorted().map { $0 * rows }
                    let order = (0..<rows).sorted { x, y in
                        for base in blanket where flat[base + x] != flat[base + y] {
                            return flat[base + x] < flat[base + y]
                        }
                        return x < y
                    }
                    var groupStart = [Int](repeating: 0, count: rows)
                    var groupEnd = groupStart
                    var start = 0
                    for position in 1...rows
                    where position == rows
                        || blanket.contains(where: { flat[$0 + order[position]] != flat[$0 + order[position - 1]] })
                    {
                        for member in start..<position { (groupStart[member], groupEnd[member]) = (start, position) }
                        start = position
                    }
                    holding[column].withUnsafeBufferPointer { targets in
                        for _ in 0..<rows {
                            let position = Int(source.uniform(below: UInt64(rows)))
                            let size = groupEnd[position] - groupStart[position]
                            guard size > 1 else { continue }
                            propose(
                                column, targets, order[position],
                                order[groupStart[position] + Int(source.uniform(below: UInt64(size)))])
                        }
                    }
                }
            }
        }
        for column in domain.indices {
            codes[column] = Array(flat[column * rows..<(column + 1) * rows])
        }
    }

    /// Sample counts minus target counts scaled to the sample's rows, for every target set (set
    /// `index` owns the cells from `offsets[index]`), and the sets whose targets were counted on
    /// a reference sample rather than computed exactly. Exact targets are scaled from the model's
    /// total. A reference is counted in whole units first (exact in Float below 2^24 rows; adding
    /// a fraction per row would drift in large cells), then scaled; adding the sample's rows is
    /// exact to a few units in the last place.
    func residual(
        _ codes: [[UInt16]], model: CalibratedModel, sets: [[Int]], offsets: [Int], strides: [[Int]], cells: Int,
        source: RandomSource
    ) -> (residual: [Float], counted: [Int]) {
        let rows = codes.first?.count ?? 0
        let referenceRows = min(rows * referenceFactor, 1 << 24)
        var residual = [Float](repeating: 0, count: cells)
        var counted: [Int] = []
        residual.withUnsafeMutableBufferPointer { residual in
            let exactScale = Double(rows) / model.total
            counted =
                ExactMarginals(model: model).answer(
                    sets, rows: { _ in referenceRows },
                    body: { index, counts in
                        for (cell, count) in counts.enumerated() {
                            residual[offsets[index] + cell] = Float(-count * exactScale)
                        }
                    }
                ).left
            if !counted.isEmpty {
                // Drawn and counted a part at a time (`referencePartRows`).
                let (countedSets, countedOffsets, countedStrides) = (
                    counted.map { sets[$0] }, counted.map { offsets[$0] }, counted.map { strides[$0] }
                )
                var drawn = 0
                while drawn < referenceRows {
                    let part = min(referencePartRows, referenceRows - drawn)
                    Self.count(
                        ModelSampler.sample(model, rows: part, source: source), sets: countedSets,
                        offsets: countedOffsets, strides: countedStrides, into: residual)
                    drawn += part
                }
                let scale = Float(Double(rows) / Double(referenceRows))
                for index in counted {
                    let end = index + 1 < sets.count ? offsets[index + 1] : cells
                    for cell in offsets[index]..<end { residual[cell] *= -scale }
                }
            }
            Self.count(codes, sets: sets, offsets: offsets, strides: strides, into: residual)
        }
        return (residual, counted)
    }

    /// A target set as a swap of one of its columns sees it: the set's first cell, the column's
    /// stride, and the other two attributes (where their codes start, and their strides).
    struct Target {
        let offset: Int
        let stride: Int
        let first: Int
        let firstStride: Int
        let second: Int
        let secondStride: Int
    }

    /// Adds one to the target cell of every row of `table` in every set (set `index` owns the
    /// cells from `offsets[index]`). The sets are spread over the cores; each is counted by one
    /// thread in row order, so the sums do not depend on the split.
    static func count(
        _ table: [[UInt16]], sets: [[Int]], offsets: [Int], strides: [[Int]],
        into residual: UnsafeMutableBufferPointer<Float>
    ) {
        let rows = table.first?.count ?? 0
        let chunk = 4096
        let threads = min(ProcessInfo.processInfo.activeProcessorCount, sets.count)
        nonisolated(unsafe) let residual = residual
        DispatchQueue.concurrentPerform(iterations: threads) { thread in
            for index in stride(from: thread, to: sets.count, by: threads) {
                let set = sets[index]
                let stride = strides[index]
                var cells = [Int](repeating: 0, count: chunk)
                for start in Swift.stride(from: 0, to: rows, by: chunk) {
                    let end = min(rows, start + chunk)
                    for row in start..<end { cells[row - start] = offsets[index] }
                    for (position, attribute) in set.enumerated() {
                        let step = stride[position]
                        table[attribute].withUnsafeBufferPointer { column in
                            for row in start..<end { cells[row - start] &+= Int(column[row]) &* step }
                        }
                    }
                    for cell in cells[0..<(end - start)] { residual[cell] += 1 }
                }
            }
        }
    }
}
