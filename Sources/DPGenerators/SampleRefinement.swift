import DPRandomness

/// Brings a sample's marginals closer to the model's own. The targets are every set of up to
/// three attributes (while their cells fit under a cap) and the model's larger cliques: exact
/// model counts where a clique holds the set, otherwise counts from a reference sample ten times
/// larger. Values of one column are then swapped between two random rows whenever that lowers
/// Σ_targets Σ_cells |sample count - model count| (greedy local search). Swaps keep every column's
/// counts exactly and remove most of the noise that drawing rows adds to marginals spanning
/// several cliques (on Adult under AIM at ε = 1: 3-way TVD about 0.095 instead of 0.097-0.098).
///
/// Post-processing of the model: it reads no private data, so it costs no privacy.
public struct SampleRefinement: Sendable {
    /// Swap proposals per synthetic row.
    public var proposalsPerRow: Int
    /// The largest number of cells (4 bytes each) the residual tables may take; sets beyond it are left out.
    public var maximumCells: Int
    /// How many times more rows the reference sample has than the synthetic sample.
    public var referenceFactor: Int

    public init(proposalsPerRow: Int = 24, maximumCells: Int = 32_000_000, referenceFactor: Int = 10) {
        self.proposalsPerRow = proposalsPerRow
        self.maximumCells = maximumCells
        self.referenceFactor = referenceFactor
    }

    /// The attribute sets the refinement matches: every set of `size` attributes while their
    /// cells fit under `maximumCells`, smaller sets first in lexicographic order.
    func targetSets(domain: [Int], size: Int) -> [[Int]] {
        var sets: [[Int]] = [], cells = 0
        func visit(_ chosen: [Int], from start: Int) {
            if chosen.count == size {
                let setCells = chosen.reduce(1) { $0 * domain[$1] }
                if cells + setCells <= maximumCells { sets.append(chosen); cells += setCells }
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
        guard rows > 1, domain.count > 1, model.tree.cliques.contains(where: { $0.count > 1 }) else { return }
        let small = targetSets(domain: domain, size: min(3, domain.count))
        guard !small.isEmpty else { return }
        let cliqueMarginals = model.cliqueMarginals()
        var budget = maximumCells - small.reduce(0) { $0 + $1.reduce(1) { $0 * domain[$1] } }
        // Exact model counts for sets inside a clique and for the larger cliques themselves; the
        // reference sample for the rest.
        var exact: [Int: [Double]] = [:]
        for (index, set) in small.enumerated() {
            if let clique = model.tree.clique(containing: set) { exact[index] = cliqueMarginals[clique].summed(to: set).values }
        }
        var sets = small
        for marginal in cliqueMarginals where marginal.attributes.count > small[0].count && marginal.size <= budget {
            exact[sets.count] = marginal.values
            sets.append(marginal.attributes)
            budget -= marginal.size
        }
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
        let scale = Float(rows) / Float(referenceRows)
        for (index, set) in sets.enumerated() {
            let (offset, stride) = (offsets[index], strides[index])
            if let counts = exact[index] {
                let share = Float(rows) / Float(model.total)
                for cell in counts.indices { residual[offset + cell] -= Float(counts[cell]) * share }
            } else {
                for row in 0..<referenceRows {
                    var cell = offset
                    for (position, attribute) in set.enumerated() { cell += Int(reference[attribute][row]) * stride[position] }
                    residual[cell] -= scale
                }
            }
            for row in 0..<rows {
                var cell = offset
                for (position, attribute) in set.enumerated() { cell += Int(codes[attribute][row]) * stride[position] }
                residual[cell] += 1
            }
        }
        // For each column, the sets holding it: (set, its stride there, the other attributes and their strides).
        var holding = [[(offset: Int, stride: Int, others: [(attribute: Int, stride: Int)])]](repeating: [], count: domain.count)
        for (index, set) in sets.enumerated() {
            for (position, attribute) in set.enumerated() {
                let others = set.indices.filter { $0 != position }.map { (set[$0], strides[index][$0]) }
                holding[attribute].append((offsets[index], strides[index][position], others))
            }
        }
        var touched: [(cell: Int, change: Float)] = []
        touched.reserveCapacity(4 * (holding.map(\.count).max() ?? 0))
        residual.withUnsafeMutableBufferPointer { residual in
            func move(_ cell: Int, _ change: Float) -> Float {
                let before = residual[cell]
                residual[cell] = before + change
                touched.append((cell, change))
                return abs(before + change) - abs(before)
            }
            for _ in 0..<(proposalsPerRow * rows) {
                let column = Int(source.uniform(below: UInt64(domain.count)))
                let first = Int(source.uniform(below: UInt64(rows))), second = Int(source.uniform(below: UInt64(rows)))
                let a = Int(codes[column][first]), b = Int(codes[column][second])
                guard a != b else { continue }
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
        }
    }
}
