import DPRandomness
import Foundation
import Testing

@testable import DPData

/// The selection scores' sensitivity holds for the computed values, not only in exact
/// arithmetic (Proofs/marginal-generators.md).
@Suite struct ScoreSumTests {
    /// A table of `cells` cells whose counts are `counts`, stored dense or as its nonzero cells.
    func table(_ counts: [UInt32], sparse: Bool) -> ContingencyTable {
        guard sparse else { return ContingencyTable(attributes: [0], shape: [counts.count], counts: counts[...]) }
        let nonzero = counts.indices.filter { counts[$0] > 0 }
        return ContingencyTable(
            attributes: [0], shape: [counts.count],
            storage: .sparse(
                cells: nonzero.map { UInt32($0) }, counts: nonzero.map { counts[$0] }, cellCount: counts.count))
    }

    /// Estimates spread over many magnitudes (one near 2^34, many small with fractions), and
    /// counts one row apart, stored either way: every pair of scores is within
    /// `ScoreSum.sensitivity`, and a table's score does not depend on its storage. A float sum
    /// (the sparse form cancels the large total) missed both. Deterministic: fixed test seed.
    @Test func neighbouringScoresStayWithinTheSensitivity() {
        let source = RandomSource.seeded(77)
        let cells = 20_000
        var estimate = (0..<cells).map { _ in 0.1 + Double(source.uniform(below: 1 << 20)) / 0x1p21 }
        estimate[0] = 0x1p34 + 0.3
        var counts = (0..<cells).map { _ in UInt32(source.uniform(below: 3)) }
        counts[0] = 1 << 31
        for changed in [1, cells / 2, cells - 1] {
            var neighbour = counts
            neighbour[changed] += 1
            let scores = [counts, neighbour].flatMap { counts in
                [false, true].map { table(counts, sparse: $0).absoluteDifference(from: estimate) }
            }
            #expect(scores[0] == scores[1] && scores[2] == scores[3], "storage changed the score: \(scores)")
            #expect(abs(scores[0] - scores[2]) <= ScoreSum.sensitivity, "\(scores)")
            // The same through a model sample's counts (`SparseCounts`), scaled.
            let sample = SparseCounts(
                cellCount: cells, cells: (0..<Int32(cells)).filter { $0 % 3 == 0 },
                counts: (0..<cells).filter { $0 % 3 == 0 }.map { UInt32($0 % 7 + 1) })
            let fromSample = [counts, neighbour].map { counts in
                sample.absoluteDifference(
                    from: table(counts, sparse: false), answerTotal: counts.reduce(0) { $0 + Int($1) }, scale: 3.7)
            }
            #expect(abs(fromSample[0] - fromSample[1]) <= ScoreSum.sensitivity, "\(fromSample)")
        }
    }

    /// Past 2^53 units a double no longer holds every grid step: the sum is clamped there, so
    /// neighbours stay within the bound (found by a review: 1 + 2^-7 apart without the clamp).
    @Test func aSumTooLargeForADoubleIsClamped() {
        func sum(last: Double) -> Double {
            var sum = ScoreSum()
            for _ in 0..<1023 { sum.add(0x1p36) }
            sum.add(0x1p36 - 1 + 700 / 65_536)
            sum.add(last)
            return sum.value
        }
        #expect(abs(sum(last: 0) - sum(last: 1)) <= ScoreSum.sensitivity)
    }

    /// A sum is the same whatever the order of its terms.
    @Test func theOrderOfTheTermsDoesNotMatter() {
        let terms = [0x1p34 + 0.5, 0.3, -0.7, 1e-9, 12.25, 0.1, 0.2]
        var forward = ScoreSum()
        for term in terms { forward.add(term) }
        var backward = ScoreSum()
        for term in terms.reversed() { backward.add(term) }
        #expect(forward.value == backward.value)
    }
}
