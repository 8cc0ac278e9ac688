import DPRandomness

/// Brings a sample's marginals across cliques closer to the model's own. Drawing rows clique by
/// clique keeps each clique's counts close to the model's, but sets of attributes from different
/// cliques only match on average. The targets are the sets of up to three attributes that no
/// clique holds (while their cells fit under a cap), counted on a reference sample ten times
/// larger. Column by column, values are swapped between two rows that agree on the column's
/// Markov blanket (every other attribute of the cliques holding it) whenever that lowers
/// Σ_targets Σ_cells |sample count - model count| (greedy local search). Such a swap leaves every
/// clique's counts unchanged, so the rows keep the model's conditional structure exactly (on
/// Adult under AIM at ε = 1: 3-way TVD 0.096-0.097 instead of 0.100-0.102).
///
/// Post-processing of the model: it reads no private data, so it costs no privacy.
public struct SampleRefinement: Sendable {
    /// Passes over the columns; each pass proposes one swap per row for every column.
    public var passes: Int
    /// The largest number of cells (4 bytes each) the target tables may take; sets beyond it are left out.
    public var maximumCells: Int
    /// How many times more rows the reference sample has than the synthetic sample.
    public var referenceFactor: Int

    public init(passes: Int = 2, maximumCells: Int = 32_000_000, referenceFactor: Int = 10) {
        self.passes = passes
        self.maximumCells = maximumCells
        self.referenceFactor = referenceFactor
    }

    /// The attribute sets the refinement matches: every set of `size` attributes that `excluded`
    /// does not reject, while their cells fit under `maximumCells`, in lexicographic order.
    func targetSets(domain: [Int], size: Int, excluded: ([Int]) -> Bool = { _ in false }) -> [[Int]] {
        var sets: [[Int]] = [], cells = 0
        func visit(_ chosen: [Int], from start: Int) {
            if chosen.count == size {
                let setCells = chosen.reduce(1) { $0 * domain[$1] }
                if cells + setCells <= maximumCells && !excluded(chosen) { sets.append(chosen); cells += setCells }
                return
            }
            for next in start..<domain.count { visit(chosen + [next], from: next + 1) }
        }
        visit([], from: 0)
        return sets
    }

    /// Refines `codes` (column-major, as `ModelSampler` draws them) toward `model`.
    public func refine(_ codes: inout [[UInt16]], model: GraphicalModel, source: RandomSource) {
        let domain = model.tree.domain
        let rows = codes.first?.count ?? 0
        guard rows > 1, domain.count > 2, model.tree.cliques.contains(where: { $0.count > 1 }) else { return }
        let sets = targetSets(domain: domain, size: 3) { model.tree.clique(containing: $0) != nil }
        guard !sets.isEmpty else { return }
        var offsets: [Int] = [], strides: [[Int]] = [], total = 0
        for set in sets {
            offsets.append(total)
            var stride = [Int](repeating: 1, count: set.count)
            for position in Swift.stride(from: set.count - 2, through: 0, by: -1) { stride[position] = stride[position + 1] * domain[set[position + 1]] }
            strides.append(stride)
            total += set.reduce(1) { $0 * domain[$1] }
        }
        // residual = sample counts - model counts (the reference sample scaled to `rows`).
        var residual = [Float](repeating: 0, count: total)
        let referenceRows = rows * referenceFactor
        let reference = ModelSampler.sample(model, rows: referenceRows, source: source)
        for (table, weight) in [(reference, -Float(rows) / Float(referenceRows)), (codes, Float(1))] {
            for (index, set) in sets.enumerated() {
                for row in 0..<table[0].count {
                    var cell = offsets[index]
                    for (position, attribute) in set.enumerated() { cell += Int(table[attribute][row]) * strides[index][position] }
                    residual[cell] += weight
                }
            }
        }
        // For each column, the target sets holding it: where they start, its stride there, and the other attributes with theirs.
        var holding = [[(offset: Int, stride: Int, others: [(attribute: Int, stride: Int)])]](repeating: [], count: domain.count)
        for (index, set) in sets.enumerated() {
            for (position, attribute) in set.enumerated() {
                let others = set.indices.filter { $0 != position }.map { (set[$0], strides[index][$0]) }
                holding[attribute].append((offsets[index], strides[index][position], others))
            }
        }
        let blankets = domain.indices.map { column in
            Array(Set(model.tree.cliques.filter { $0.contains(column) }.joined()).subtracting([column])).sorted()
        }
        var touched: [(cell: Int, change: Float)] = []
        residual.withUnsafeMutableBufferPointer { residual in
            func move(_ cell: Int, _ change: Float) -> Float {
                let before = residual[cell]
                residual[cell] = before + change
                touched.append((cell, change))
                return abs(before + change) - abs(before)
            }
            /// Swaps `column` between two rows if that lowers the distance to the targets.
            func propose(_ column: Int, _ first: Int, _ second: Int) {
                let a = Int(codes[column][first]), b = Int(codes[column][second])
                guard a != b else { return }
                touched.removeAll(keepingCapacity: true)
                var gain: Float = 0
                for set in holding[column] {
                    var cellFirst = set.offset, cellSecond = set.offset
                    for other in set.others {
                        cellFirst += Int(codes[other.attribute][first]) * other.stride
                        cellSecond += Int(codes[other.attribute][second]) * other.stride
                    }
                    gain += move(cellFirst + a * set.stride, -1) + move(cellFirst + b * set.stride, 1)
                    gain += move(cellSecond + b * set.stride, -1) + move(cellSecond + a * set.stride, 1)
                }
                if gain < -1e-4 {
                    codes[column][first] = UInt16(b)
                    codes[column][second] = UInt16(a)
                } else {
                    for (cell, change) in touched.reversed() { residual[cell] -= change }
                }
            }
            for _ in 0..<passes {
                for column in domain.indices where !holding[column].isEmpty {
                    // Rows grouped by their blanket's values; a swap pairs two rows of one group.
                    let blanket = blankets[column]
                    let order = (0..<rows).sorted { x, y in
                        for attribute in blanket where codes[attribute][x] != codes[attribute][y] { return codes[attribute][x] < codes[attribute][y] }
                        return x < y
                    }
                    var groupStart = [Int](repeating: 0, count: rows), groupEnd = groupStart
                    var start = 0
                    for position in 1...rows where position == rows || blanket.contains(where: { codes[$0][order[position]] != codes[$0][order[position - 1]] }) {
                        for member in start..<position { (groupStart[member], groupEnd[member]) = (start, position) }
                        start = position
                    }
                    for _ in 0..<rows {
                        let position = Int(source.uniform(below: UInt64(rows)))
                        let size = groupEnd[position] - groupStart[position]
                        guard size > 1 else { continue }
                        propose(column, order[position], order[groupStart[position] + Int(source.uniform(below: UInt64(size)))])
                    }
                }
            }
        }
    }
}
