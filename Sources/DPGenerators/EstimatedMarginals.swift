import DPData
import DPRandomness
import Foundation

/// The model's answers to candidate attribute sets, handed out one at a time so that AIM never
/// holds every candidate's estimate at once: exact where that costs no more than counting
/// (`ExactMarginals`), otherwise counted on a sample drawn from the model (a set whose noise term
/// dwarfs any distance on fewer of its rows; see `rowsCounted`). Post-processing only.
struct EstimatedMarginals {
    let model: CalibratedModel
    let source: RandomSource
    /// The noise scale σ of the round's measurement, whose term sqrt(2/π)·σ·cells the score
    /// subtracts.
    let noise: Double
    /// The scratch that sparse sets are counted in, kept across visits (AIM passes it from
    /// round to round).
    var sparseCounter: SparseCounter?
    private let exact: ExactMarginals
    private var sample: EncodedDataset?
    /// The attributes whose groups the last `visit` answered exactly.
    private var grouped: Set<Int> = []
    static let batch = 48
    static let batchCells = 1 << 22
    /// A sampled set is kept as its nonzero cells when its table has more than this many cells
    /// per row counted.
    static let sparseCellsPerRow = 8
    /// Sparse sets counted at once: each thread's scratch table is reused across a batch.
    static let sparseBatch = 64

    init(model: CalibratedModel, source: RandomSource, noise: Double, sparseCounter: SparseCounter? = nil) {
        self.sparseCounter = sparseCounter
        self.model = model
        self.source = source
        self.noise = noise
        exact = ExactMarginals(model: model)
    }

    /// The most rows the model sample holds: five times the model's total, within
    /// [`minimumRows`, 1,000,000].
    var sampleRows: Int { Int(min(1_000_000, max(Double(Self.minimumRows), 5 * model.total))) }
    static let minimumRows = 10_000

    /// The sample rows a set of `cells` cells is counted on: the whole sample, unless the set's
    /// noise term sqrt(2/π)·σ·cells is at least `hopelessNoise` times the model's total, far
    /// beyond any L1 distance (at most about twice the total), so that its score is far below
    /// zero whatever it is counted on. Such a set is counted on fewer rows: r rows estimate a
    /// cell of count c with standard deviation at most sqrt(total·c/r), so the expected
    /// sampling error of the L1 distance is at most sqrt(2/π)·total·sqrt(cells/r)
    /// (Cauchy–Schwarz over the cells), and r ≥ (4·total/σ)²/cells keeps it under a quarter of
    /// the noise term. (A sampled distance errs upward, so fewer rows for sets that can compete
    /// would favour them over sets answered exactly.)
    func rowsCounted(cells: Int) -> Int {
        guard (2 / Double.pi).squareRoot() * noise * Double(cells) >= Self.hopelessNoise * model.total else {
            return sampleRows
        }
        let needed = (4 * model.total / noise) * (4 * model.total / noise) / Double(cells)
        return Int(min(Double(sampleRows), max(Double(Self.minimumRows), needed.rounded(.up))))
    }

    /// How many times the model's total a set's noise term must be before it is counted on
    /// fewer rows than the whole sample.
    static let hopelessNoise = 16.0

    /// One set's estimate: the model's counts, or counts on the model sample and the factor that
    /// scales them to the model's total (kept as counts: a large table is not copied to doubles).
    enum Estimate {
        case exact([Double])
        case sampled(ContingencyTable, scale: Double)
        /// Counted on far fewer rows than the table has cells: its nonzero cells only.
        case sparse(SparseCounts, scale: Double)

        var cellCount: Int {
            switch self {
            case .exact(let values): values.count
            case .sampled(let counts, _): counts.count
            case .sparse(let counts, _): counts.cellCount
            }
        }

        var values: [Double] {
            switch self {
            case .exact(let values): values
            case .sampled(let counts, let scale): counts.map { Double($0) * scale }
            case .sparse(let counts, let scale): counts.values(scale: scale)
            }
        }

        /// Σ |answer − estimate| over the cells; `answerTotal` is the sum of answer's counts.
        func distance(from answer: ContingencyTable, answerTotal: Int) -> Double {
            switch self {
            case .exact(let values): answer.absoluteDifference(from: values)
            case .sampled(let counts, let scale): answer.absoluteDifference(from: counts, scale: scale)
            case .sparse(let counts, let scale):
                counts.absoluteDifference(from: answer, answerTotal: answerTotal, scale: scale)
            }
        }
    }

    /// Calls `body(position, estimate)` for every set: the exact ones first, then the sampled
    /// sets in batches.
    mutating func visit(_ sets: [[Int]], body: (Int, Estimate) -> Void) {
        let rowsFor = { position in rowsCounted(cells: cells(sets[position])) }
        let answered = exact.answer(sets, rows: rowsFor, body: { body($0, .exact($1)) })
        grouped = answered.grouped
        let sampled = answered.left
        guard !sampled.isEmpty else { return }
        let rows = sampled.map(rowsFor)
        let table = modelSample(rows: rows.max()!)
        let sparse = sampled.indices.filter { cells(sets[sampled[$0]]) > Self.sparseCellsPerRow * rows[$0] }
        let largest = sparse.map { cells(sets[sampled[$0]]) }.max() ?? 0
        if (sparseCounter?.cells ?? 0) < largest { sparseCounter = SparseCounter(cells: largest) }
        for start in stride(from: 0, to: sparse.count, by: Self.sparseBatch) {
            guard let counter = sparseCounter else { break }
            let batch = sparse[start..<min(sparse.count, start + Self.sparseBatch)]
            let counts = counter.count(table, batch.map { sets[sampled[$0]] }, firstRows: batch.map { rows[$0] })
            for (index, counts) in zip(batch, counts) {
                body(sampled[index], .sparse(counts, scale: model.total / Double(rows[index])))
            }
        }
        let dense = sampled.indices.filter { cells(sets[sampled[$0]]) <= Self.sparseCellsPerRow * rows[$0] }
        var start = 0
        while start < dense.count {
            // A batch's tables share one allocation: at most `batch` sets and `batchCells` cells
            // (or one set, if it alone has more).
            var end = start + 1
            var batchCells = cells(sets[sampled[dense[start]]])
            while end < dense.count && end - start < Self.batch {
                let next = cells(sets[sampled[dense[end]]])
                if batchCells + next > Self.batchCells { break }
                batchCells += next
                end += 1
            }
            let batch = dense[start..<end]
            start = end
            let counts = table.marginals(batch.map { sets[sampled[$0]] }, firstRows: batch.map { rows[$0] })
            for (index, counts) in zip(batch, counts) {
                body(sampled[index], .sampled(counts, scale: model.total / Double(rows[index])))
            }
        }
    }

    /// The cells of a table over `set`.
    private func cells(_ set: [Int]) -> Int { set.reduce(1) { $0 * model.tree.domain[$1] } }

    /// The estimate of one set, the way the last `visit` answered it.
    mutating func estimate(_ set: [Int]) -> [Double] {
        let rows = rowsCounted(cells: cells(set))
        if let counts = exact.answer(set, grouped: grouped, rows: rows) { return counts }
        let counts = modelSample(rows: rows).marginals([set], firstRows: [rows])[0]
        let scale = model.total / Double(rows)
        return counts.map { Double($0) * scale }
    }

    /// The model sample, drawn once per visit with the rows its sets need; a set estimated
    /// later than the visit reads the same rows.
    private mutating func modelSample(rows: Int) -> EncodedDataset {
        if let sample, sample.rowCount >= rows { return sample }
        let domain = model.tree.domain
        let schema = Schema(
            name: "model-sample",
            columns: domain.enumerated().map {
                Column(name: "c\($0.offset)", kind: .coded(levels: $0.element), missing: .error)
            })
        let drawn = EncodedDataset(schema: schema, codes: ModelSampler.sample(model, rows: rows, source: source))
        sample = drawn
        return drawn
    }
}
