import DPData
import DPRandomness
import Foundation

/// Singling out as Anonymeter defines it (multivariate): predicates built from synthetic rows
/// (a random row, `columns` random columns, `==` on categorical values and `<=`/`>=` toward the
/// tail on ordered ones) that isolate exactly one synthetic row are tried on the training table;
/// a predicate singles out when it matches exactly one training row. The same predicates on the
/// holdout set the control: each query's matches in the training table and the holdout are
/// pooled, and the control is the number of queries expected to isolate exactly one training
/// row if membership were unrelated to the synthetic data (the matched rows' membership is then
/// hypergeometric). It needs no size correction, whatever the two tables' sizes, and it is the
/// exact chance rate given the pooled counts, where a control measured on a smaller holdout
/// would have to be extrapolated. It assumes the training table and the holdout are a random
/// split of one population (as the audit requires). Random predicates give the baseline. Tables
/// are de-duplicated first. Scores on this scale are lower than with Anonymeter's rescaled
/// control.
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

    public func run(train: EncodedDataset, holdout: EncodedDataset, synthetic: EncodedDataset, source: RandomSource)
        -> RiskEstimate
    {
        let original = train.deduplicated()
        let control = holdout.deduplicated()
        let synthetic = synthetic.deduplicated()
        let width = min(columns, synthetic.columns.count)
        let distance = MixedTypeDistance(dataset: synthetic)
        let ordered = distance.treatments.map { $0 != .mismatch }
        let medians = synthetic.codes.map { codes -> UInt16 in codes.sorted()[codes.count / 2] }
        var queries: [[Term]] = []
        var seen = Set<[Term]>()
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
        let trainCounts = queries.map { Self.matches($0, in: original) }
        let controlCounts = queries.map { Self.matches($0, in: control) }
        let successes = trainCounts.filter { $0 == 1 }.count
        let pooled = original.rowCount + control.rowCount
        let controlExpected = zip(trainCounts, controlCounts).reduce(0.0) {
            $0 + Self.chanceOfOneMember(matching: $1.0 + $1.1, members: original.rowCount, pooled: pooled)
        }
        let trials = max(queries.count, 1)
        let baseline = (0..<trials).filter { _ in
            let chosen = source.sampleIndices(width, of: synthetic.columns.count)
            let terms = chosen.map { column -> Term in
                let code = synthetic.codes[column][Int(source.uniform(below: UInt64(synthetic.rowCount)))]
                let relations: [Term.Relation] =
                    ordered[column] ? [.equal, .notEqual, .atMost, .atLeast] : [.equal, .notEqual]
                return Term(
                    column: column, relation: relations[Int(source.uniform(below: UInt64(relations.count)))], code: code
                )
            }
            return Self.matches(terms, in: original, limit: 1) == 1
        }.count
        return RiskEstimate(
            attacks: trials, attackSuccesses: successes, controlSuccesses: controlExpected,
            baselineSuccesses: baseline)
    }

    /// The probability that exactly one of `matching` rows is a member when `members` of `pooled`
    /// rows are members and membership says nothing about matching (k ~ Hypergeometric(pooled,
    /// matching, members)): matching · K/N · Π_{i=1}^{m-1} (N-K-i+1)/(N-i), one member first and
    /// the rest not, times the m places the member can take.
    static func chanceOfOneMember(matching: Int, members: Int, pooled: Int) -> Double {
        guard matching > 0, members > 0, pooled - matching >= members - 1 else { return 0 }
        var probability = Double(members) / Double(pooled)
        for i in stride(from: 1, to: matching, by: 1) where probability > 1e-300 {
            probability *= Double(pooled - members - i + 1) / Double(pooled - i)
        }
        return Double(matching) * probability
    }
}
