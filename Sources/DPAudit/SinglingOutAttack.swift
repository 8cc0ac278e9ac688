import DPData
import DPRandomness
import Foundation

/// Singling out as Anonymeter defines it (multivariate): predicates built from synthetic rows
/// (a random row, `columns` random columns, `==` on categorical values and `<=`/`>=` toward the
/// tail on ordered ones) that isolate exactly one synthetic row are tried on the training table;
/// a predicate singles out when it matches exactly one training row. The same predicates on the
/// holdout give the control, rescaled to the training table's size (a query of weight w isolates
/// one of n rows with probability n w (1-w)^(n-1); the curve is fitted on holdout subsamples);
/// random predicates give the baseline. Tables are de-duplicated first.
public struct SinglingOutAttack: Sendable {
    public var attacks: Int
    public var columns: Int

    public init(attacks: Int = 500, columns: Int = 3) {
        self.attacks = attacks
        self.columns = columns
    }

    /// One term of a predicate.
    struct Term: Hashable {
        enum Relation: Hashable { case equal, notEqual, atMost, atLeast }
        let column: Int
        let relation: Relation
        let code: UInt16

        func matches(_ value: UInt16) -> Bool {
            switch relation {
            case .equal: return value == code
            case .notEqual: return value != code
            case .atMost: return value <= code
            case .atLeast: return value >= code
            }
        }
    }

    /// How many rows of `table` match all terms, stopping early past `limit`.
    static func matches(_ terms: [Term], in table: EncodedDataset, limit: Int = .max) -> Int {
        var count = 0
        for row in 0..<table.rowCount where terms.allSatisfy({ $0.matches(table.codes[$0.column][row]) }) {
            count += 1
            if count > limit { break }
        }
        return count
    }

    public func run(train: EncodedDataset, holdout: EncodedDataset, synthetic: EncodedDataset, source: RandomSource) -> RiskEstimate {
        let original = train.deduplicated(), control = holdout.deduplicated(), synthetic = synthetic.deduplicated()
        let width = min(columns, synthetic.columns.count)
        let distance = MixedTypeDistance(dataset: synthetic)
        let ordered = distance.treatments.map { $0 != .mismatch }
        let medians = synthetic.codes.map { codes -> UInt16 in codes.sorted()[codes.count / 2] }
        var queries: [[Term]] = [], seen = Set<[Term]>()
        var attempts = 0
        while queries.count < attacks && attempts < attacks * 200 {
            attempts += 1
            let row = Int(source.uniform(below: UInt64(synthetic.rowCount)))
            let chosen = source.sampleIndices(width, of: synthetic.columns.count).sorted()
            let terms = chosen.map { column -> Term in
                let code = synthetic.codes[column][row]
                let missing = synthetic.columns[column].missingCode.map { Int(code) == $0 } ?? false
                guard ordered[column] && !missing else { return Term(column: column, relation: .equal, code: code) }
                return Term(column: column, relation: code > medians[column] ? .atLeast : .atMost, code: code)
            }
            guard !seen.contains(terms), Self.matches(terms, in: synthetic, limit: 1) == 1 else { continue }
            seen.insert(terms)
            queries.append(terms)
        }
        let successes = queries.filter { Self.matches($0, in: original, limit: 1) == 1 }.count
        let controlRaw = queries.filter { Self.matches($0, in: control, limit: 1) == 1 }.count
        let controlScaled = Double(controlRaw) * sizeCorrection(queries, control: control, originalSize: original.rowCount, source: source)
        let trials = max(queries.count, 1)
        let baseline = (0..<trials).filter { _ in
            let chosen = source.sampleIndices(width, of: synthetic.columns.count)
            let terms = chosen.map { column -> Term in
                let code = synthetic.codes[column][Int(source.uniform(below: UInt64(synthetic.rowCount)))]
                let relations: [Term.Relation] = ordered[column] ? [.equal, .notEqual, .atMost, .atLeast] : [.equal, .notEqual]
                return Term(column: column, relation: relations[Int(source.uniform(below: UInt64(relations.count)))], code: code)
            }
            return Self.matches(terms, in: original, limit: 1) == 1
        }.count
        return RiskEstimate(attacks: trials, attackSuccesses: successes, controlSuccesses: controlScaled,
                            baselineSuccesses: baseline)
    }

    /// f(n_original) / f(n_control), with f(n) = c (1 - (n w + 1)(1 - w)^n) / (n + 1) fitted by least
    /// squares to the number of queries that isolate one row of holdout subsamples of 10 sizes.
    func sizeCorrection(_ queries: [[Term]], control: EncodedDataset, originalSize: Int, source: RandomSource) -> Double {
        let controlSize = control.rowCount
        guard controlSize != originalSize, controlSize > 1, !queries.isEmpty else { return 1 }
        let smallest = min(1000, controlSize)
        var sizes: [Double] = [], counts: [Double] = []
        for step in 0..<10 {
            let size = smallest + (controlSize - smallest) * step / 9
            for _ in 0..<5 {
                let subsample = control.rows(source.sampleIndices(size, of: controlSize))
                sizes.append(Double(size))
                counts.append(Double(queries.filter { Self.matches($0, in: subsample, limit: 1) == 1 }.count))
            }
        }
        func shape(_ n: Double, _ w: Double) -> Double { (1 - (n * w + 1) * exp(n * log1p(-w))) / (n + 1) }
        var bestWeight = 1 / Double(controlSize), bestError = Double.infinity
        for step in 0...600 {
            let w = pow(10, -8 + 8 * Double(step) / 600) * 0.999
            let g = sizes.map { shape($0, w) }
            let norm = max(0, zip(g, counts).map(*).reduce(0, +) / max(1e-300, g.map { $0 * $0 }.reduce(0, +)))
            let error = zip(g, counts).map { (norm * $0 - $1) * (norm * $0 - $1) }.reduce(0, +)
            if error < bestError { bestError = error; bestWeight = w }
        }
        let atControl = shape(Double(controlSize), bestWeight)
        return atControl > 0 ? shape(Double(originalSize), bestWeight) / atControl : 1
    }
}
