import DPData
import DPRandomness
import Foundation

/// A one-run canary audit of a generator (Steinke, Nasr and Jagielski 2023): `canaries` rows
/// drawn uniformly from the declared domain (random combinations of public categories, hence
/// rare in real data and distinguishable), each added to the training table independently with
/// probability 1/2; the generator runs once; each canary is scored against the synthetic table;
/// the auditor guesses "in" for the `guessesPerSide` highest scores and "out" for as many lowest,
/// and `OneRunAuditBound` turns the number of right guesses into a lower bound on epsilon.
///
/// The score of a canary is lexicographic: first how many synthetic rows equal it exactly, then
/// the sum over column pairs of how many synthetic rows share its pair of values. A generator
/// that copies rows (the non-private control) puts included canaries first by the exact count;
/// a generator whose pair marginals carry too little noise lifts included canaries by the pair
/// counts.
///
/// Privacy: an implementation check meant for public data. On private data, the generator's run
/// is charged like any fit; the guesses and the bound are computed on the real data.
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
        let scores = Self.scores(of: rows, in: synthetic)
        // Highest score first; ties broken by a random key, so they fall at random.
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

    /// Each canary's score against `synthetic`: (exact copies, summed pair counts).
    static func scores(of rows: [[UInt16]], in synthetic: EncodedDataset) -> [Score] {
        let width = synthetic.columns.count
        var exact: [[UInt16]: Int] = [:]
        for row in 0..<synthetic.rowCount {
            exact[(0..<width).map { synthetic.codes[$0][row] }, default: 0] += 1
        }
        let pairs = synthetic.columnSets(size: 2)
        let tables = synthetic.marginals(pairs)
        return rows.map { row in
            var shared = 0
            for (pair, table) in zip(pairs, tables) {
                shared += Int(table[Int(row[pair[0]]) * table.shape[1] + Int(row[pair[1]])])
            }
            return Score(exact: exact[row] ?? 0, pairs: shared)
        }
    }

    /// A canary's score, compared by exact copies first.
    struct Score: Comparable {
        let exact: Int
        let pairs: Int
        static func < (lhs: Score, rhs: Score) -> Bool { (lhs.exact, lhs.pairs) < (rhs.exact, rhs.pairs) }
    }
}
