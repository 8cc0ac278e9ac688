import DPRandomness
import Foundation
import Testing

@testable import DPAudit

@Suite struct StatisticsTests {
    @Test func aucCountsPairsAndHalfTies() {
        let positives = [0.9, 0.8, 0.5, 0.5]
        let negatives = [0.5, 0.3, 0.1]
        var wins = 0.0
        for p in positives { for n in negatives { wins += p > n ? 1 : (p == n ? 0.5 : 0) } }
        let curve = ROCCurve(positives: positives, negatives: negatives)
        #expect(abs(curve.auc - wins / 12) < 1e-12)
        #expect(curve.points.first == ROCCurve.Point(falsePositiveRate: 0, truePositiveRate: 0))
        #expect(curve.points.last == ROCCurve.Point(falsePositiveRate: 1, truePositiveRate: 1))
        #expect(curve.truePositiveRate(atFalsePositiveRate: 0) == 0.5)
        // Between thresholds the rate lies on the segment (flag the tied block with a probability).
        #expect(abs(curve.truePositiveRate(atFalsePositiveRate: 1.0 / 6) - 0.75) < 1e-12)
    }

    @Test func clopperPearsonMatchesTabulatedValues() {
        // scipy.stats.beta.ppf: successes 5 of 20 at 95%: [0.0865715, 0.4910459]; 0 of 10: [0, 0.3084971].
        let a = BinomialConfidence.clopperPearson(successes: 5, trials: 20)
        #expect(abs(a.lower - 0.0865715) < 1e-6 && abs(a.upper - 0.4910459) < 1e-6)
        let b = BinomialConfidence.clopperPearson(successes: 0, trials: 10)
        #expect(b.lower == 0 && abs(b.upper - 0.3084971) < 1e-6)
        #expect(abs(BinomialConfidence.normalQuantile(level: 0.95) - 1.959963985) < 1e-8)
    }

    @Test func wilsonIntervalMatchesTheFormula() {
        let w = BinomialConfidence.wilson(successes: 30, trials: 100)
        // (30 + 1.92) / (100 + 3.84) = 0.30740; half width 1.96/103.84 * sqrt(21 + 0.96) = 0.088448.
        #expect(
            abs(w.estimate - 0.307396) < 1e-5 && abs(w.halfWidth - 0.088448) < 1e-5
                && abs(w.upper - w.lower - 2 * 0.088448) < 1e-4)
    }

    /// The singling-out control is the chance that exactly one of a query's matches is a member: for rows split at
    /// random into 20,000 members and 5,000 others, 2,000 queries matching 1 to 6 rows isolate a member about as often
    /// as the summed chances say. The count's standard deviation is about 13 and the band is 4 of them (false-alarm
    /// rate below 1e-4; the seed is fixed, so the test is deterministic). The chance also matches the closed form for
    /// one match.
    @Test func singlingOutControlIsTheChanceOfOneMember() {
        let members = 20000
        let pooled = 25000
        #expect(abs(SinglingOutAttack.chanceOfOneMember(matching: 1, members: members, pooled: pooled) - 0.8) < 1e-9)
        #expect(SinglingOutAttack.chanceOfOneMember(matching: 0, members: members, pooled: pooled) == 0)
        // Small cases by counting: of 5 rows 3 members, two matches hold one member in 6 of the 10 pairs; three matches
        // in 3 of the 10 triples; with 4 members of 5, three matches always hold at least two.
        #expect(abs(SinglingOutAttack.chanceOfOneMember(matching: 2, members: 3, pooled: 5) - 0.6) < 1e-12)
        #expect(abs(SinglingOutAttack.chanceOfOneMember(matching: 3, members: 3, pooled: 5) - 0.3) < 1e-12)
        #expect(SinglingOutAttack.chanceOfOneMember(matching: 3, members: 4, pooled: 5) == 0)
        let source = RandomSource.seeded(5)
        var isolated = 0
        var expected = 0.0
        for query in 0..<2000 {
            let matching = 1 + query % 6
            let rows = source.sampleIndices(matching, of: pooled)
            if rows.filter({ $0 < members }).count == 1 { isolated += 1 }
            expected += SinglingOutAttack.chanceOfOneMember(matching: matching, members: members, pooled: pooled)
        }
        #expect(abs(Double(isolated) - expected) < 4 * 13, "isolated \(isolated), expected \(expected)")
    }

    /// Randomized response on one bit at epsilon: the bound stays below epsilon and rises toward it with more trials.
    /// The bound is a 95% lower confidence bound, so each seeded check is wrong with probability at most 5%; the
    /// seeds are fixed, so the test is deterministic.
    @Test func empiricalEpsilonOfRandomizedResponseIsBelowTheTruth() {
        let epsilon = 1.0
        let keep = exp(epsilon) / (1 + exp(epsilon))
        let source = RandomSource.seeded(11)
        func outputs(_ bit: Bool, _ count: Int) -> [Double] {
            (0..<count).map { _ in (source.unitInterval() < keep) == bit ? 1 : 0 }
        }
        var bounds: [Double] = []
        for trials in [500, 5000, 50000] {
            let bound = EmpiricalEpsilon.estimate(
                memberScores: outputs(true, trials), nonMemberScores: outputs(false, trials), delta: 0)
            #expect(bound.epsilon <= epsilon)
            bounds.append(bound.epsilon)
        }
        #expect(bounds[0] < bounds[2] && bounds[2] > 0.9)
    }

    /// The bound is at the level it states: each rate's one-sided bound takes half of 1 - level
    /// (it took a quarter, a 97.5% bound labelled 95%; a helper's pass). TPR 674/2500 against FPR
    /// 20/2500: ln(Beta(0.025; 674, 1827) / Beta(0.975; 21, 2480)) = 3.019.
    @Test func theEmpiricalBoundIsAtItsStatedLevel() {
        let bound = EmpiricalEpsilon.bound(
            truePositives: 674, positives: 2500, falsePositives: 20, negatives: 2500, delta: 0)
        #expect(abs(bound - 3.019) < 0.001, "\(bound)")
    }

    @Test func riskFollowsAnonymetersDefinition() {
        let risk = RiskEstimate(attacks: 500, attackSuccesses: 400, controlSuccesses: 100, baselineSuccesses: 10)
        // Wilson centres (400 + z²/2) / (500 + z²) = 0.797713 and (100 + z²/2) / (500 + z²) = 0.202287;
        // risk (0.797713 - 0.202287) / (1 - 0.202287) = 0.746416, propagated error 0.045267.
        #expect(abs(risk.attackRate - 0.797713) < 1e-6 && abs(risk.controlRate - 0.202287) < 1e-6)
        #expect(abs(risk.risk - 0.746416) < 1e-6)
        #expect(abs(risk.riskLower - 0.701149) < 1e-6 && abs(risk.riskUpper - 0.791682) < 1e-6)
        let none = RiskEstimate(attacks: 500, attackSuccesses: 100, controlSuccesses: 150, baselineSuccesses: 10)
        #expect(none.risk == 0)
    }
}

extension RandomSource {
    /// A uniform double in [0, 1) with 53 random bits (test data only).
    func unitInterval() -> Double { Double(nextUInt64() >> 11) * 0x1p-53 }
}
