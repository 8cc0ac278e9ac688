import DPData
import DPRandomness
import Foundation

/// A one-run canary audit of a generator (Steinke, Nasr and Jagielski 2023): `canaries` rows
/// drawn uniformly from the declared domain (random combinations of public categories, rare as
/// whole rows in real data), each added to the training table independently with
/// probability 1/2; the generator runs once; each canary is scored against the synthetic table;
/// the auditor guesses "in" for the `guessesPerSide` highest scores and "out" for as many lowest,
/// and `OneRunAuditBound` turns the number of right guesses into a lower bound on epsilon.
///
/// The score of a canary is lexicographic: first how many synthetic rows equal it exactly, then
/// the sum over column pairs of how much more often the synthetic table holds its pair of values
/// than independence would give (`scores(of:in:)`). A generator that copies rows (the
/// non-private control) puts included canaries first by the exact count; a generator whose pair
/// marginals carry too little noise lifts included canaries by their rare pairs.
///
/// Privacy: an implementation check meant for public data. On private data, the generator's run
/// is charged like any fit; the guesses and the bound are computed on the real data. Against the
/// shipped generators on Adult the audit has little demonstrated power (Proofs/one-run-audit.md).
public struct CanaryAudit: Sendable {
    public let canaries: Int
    public let guessesPerSide: Int

    public init(canaries: Int = 1000, guessesPerSide: Int? = nil) throws {
        guard canaries >= 2 else { throw AuditInputError("a canary audit needs at least 2 canaries") }
        let side = guessesPerSide ?? max(1, canaries / 10)
        guard side >= 1, 2 * side <= canaries else {
            throw AuditInputError("guesses per side must lie in 1...canaries/2 (got \(side))")
        }
        self.canaries = canaries
        self.guessesPerSide = side
    }

    /// What one audit found.
    public struct Result: Sendable, Equatable {
        public let canaries: Int
        public let guesses: Int
        public let correct: Int
        public let epsilonLowerBound: Double
    }

    /// The canary rows: every column's code uniform over its domain.
    public func canaryRows(domain: [Int], source: RandomSource) -> [[UInt16]] {
        (0..<canaries).map { _ in domain.map { UInt16(source.uniform(below: UInt64($0))) } }
    }

    /// Adds each canary to `data` with probability 1/2, runs `release` once on the result, and
    /// bounds epsilon from the guesses at `delta` and `confidence`.
    public func run(
        data: EncodedDataset, delta: Double, confidence: Double, source: RandomSource,
        release: (EncodedDataset) throws -> EncodedDataset
    ) throws -> Result {
        let rows = canaryRows(domain: data.domain, source: source.split(stream: 1))
        let included = (0..<canaries).map { _ in source.uniform(below: 2) == 1 }
        var codes = data.codes
        for (row, isIn) in zip(rows, included) where isIn {
            for column in codes.indices { codes[column].append(row[column]) }
        }
        let synthetic = try release(EncodedDataset(schema: data.schema, codes: codes))
        return try judge(
            scores: Self.scores(of: rows, in: synthetic), included: included, delta: delta,
            confidence: confidence, source: source)
    }

    /// Guesses "in" for the `guessesPerSide` highest scores and "out" for as many lowest (ties
    /// fall at random), counts the right guesses against `included`, and bounds epsilon. Any
    /// score works (a white-box audit of DP-SGD scores gradient canaries by the trained weights);
    /// the bound holds whatever the score, as long as the score does not see `included`.
    public func judge<Score: Comparable>(
        scores: [Score], included: [Bool], delta: Double, confidence: Double, source: RandomSource
    ) throws -> Result {
        guard scores.count == canaries, included.count == canaries else {
            throw AuditInputError("a canary audit needs one score and one membership per canary")
        }
        let tieBreaker = source.split(stream: 2)
        let keys = (0..<canaries).map { _ in tieBreaker.nextUInt64() }
        let order = (0..<canaries).sorted { (scores[$0], keys[$0]) > (scores[$1], keys[$1]) }
        let guessedIn = order.prefix(guessesPerSide)
        let guessedOut = order.suffix(guessesPerSide)
        let correct = guessedIn.filter { included[$0] }.count + guessedOut.filter { !included[$0] }.count
        let bound = try OneRunAuditBound(canaries: canaries, guesses: 2 * guessesPerSide, correct: correct)
        return Result(
            canaries: canaries, guesses: 2 * guessesPerSide, correct: correct,
            epsilonLowerBound: bound.epsilonLowerBound(delta: delta, confidence: confidence))
    }

    /// Each canary's score against `synthetic`: (exact copies, summed pair surprise). A pair's
    /// surprise is log((c + 1/2) / (e + 1/2)), with c the synthetic rows holding the canary's
    /// pair of values and e the count independence of the two columns would give (from the
    /// synthetic one-way counts): a common pair adds about nothing whether or not the canary was
    /// in, and a rare pair that the synthetic table reproduces adds the most.
    static func scores(of rows: [[UInt16]], in synthetic: EncodedDataset) -> [Score] {
        let width = synthetic.columns.count
        var exact: [[UInt16]: Int] = [:]
        for row in 0..<synthetic.rowCount {
            exact[(0..<width).map { synthetic.codes[$0][row] }, default: 0] += 1
        }
        let total = Double(max(1, synthetic.rowCount))
        let oneWay = synthetic.marginals((0..<width).map { [$0] })
        let pairs = synthetic.columnSets(size: 2)
        let tables = synthetic.marginals(pairs)
        return rows.map { row in
            var surprise = 0.0
            for (pair, table) in zip(pairs, tables) {
                let (a, b) = (Int(row[pair[0]]), Int(row[pair[1]]))
                let observed = Double(table[a * table.shape[1] + b])
                let expected = Double(oneWay[pair[0]][a]) * Double(oneWay[pair[1]][b]) / total
                surprise += log((observed + 0.5) / (expected + 0.5))
            }
            return Score(exact: exact[row] ?? 0, pairs: surprise)
        }
    }

    /// A canary's score, compared by exact copies first.
    struct Score: Comparable {
        let exact: Int
        let pairs: Double
        static func < (lhs: Score, rhs: Score) -> Bool { (lhs.exact, lhs.pairs) < (rhs.exact, rhs.pairs) }
    }
}
