import DPRandomness
import DPTestSupport
import Testing

@Suite struct RandomSourceTests {
    @Test func seededSourcesReproduceAndDiffer() {
        let a = RandomSource.seeded(7)
        let b = RandomSource.seeded(7)
        let c = RandomSource.seeded(8)
        let first = (0..<2000).map { _ in a.nextUInt64() }
        #expect(first == (0..<2000).map { _ in b.nextUInt64() })
        #expect(first != (0..<2000).map { _ in c.nextUInt64() })
        #expect(a.isSeeded && a.label.contains("SEEDED"))
    }

    @Test func secureSourceIsNotSeededAndNotConstant() {
        let source = RandomSource.secure()
        #expect(!source.isSeeded)
        let draws = Set((0..<100).map { _ in source.nextUInt64() })
        #expect(draws.count == 100)
    }

    @Test func splitStreamsAreIndependentButReproducible() {
        let parent = RandomSource.seeded(3)
        let x = parent.split(stream: 1).nextUInt64()
        #expect(x == RandomSource.seeded(3).split(stream: 1).nextUInt64())
        #expect(x != parent.split(stream: 2).nextUInt64())
        // Nested splits never reuse a sibling's or the root's keystream.
        let nested = parent.split(stream: 1).split(stream: 2).nextUInt64()
        #expect(nested != RandomSource.seeded(3).split(stream: 2).nextUInt64())
        #expect(RandomSource.seeded(3).split(stream: .max).nextUInt64() != RandomSource.seeded(3).nextUInt64())
    }

    @Test(arguments: [UInt64(3), UInt64(10), UInt64(1) << 40 + 7])
    func uniformBelowIsUnbiased(bound: UInt64) {
        let source = RandomSource.seeded(bound)
        let cells = 10
        var counts = [Int](repeating: 0, count: cells)
        let draws = 100_000
        for _ in 0..<draws {
            let value = source.uniform(below: bound)
            #expect(value < bound)
            counts[Int(value * UInt64(cells) / bound)] += 1
        }
        if bound >= 10 {
            let expected = Double(draws) / Double(cells)
            let statistic = counts.reduce(0.0) { $0 + (Double($1) - expected) * (Double($1) - expected) / expected }
            // False-alarm rate 1e-4 (bound 10 has exactly equal cells; 2^40+7 nearly so).
            #expect(statistic < GoodnessOfFit.chiSquareCritical(degreesOfFreedom: cells - 1, alpha: 1e-4))
        }
    }

    @Test func uniformBelowLargeExactBoundsStaysInRange() {
        let source = RandomSource.seeded(11)
        let bound = ExactInteger.one.shiftedLeft(by: 200) + ExactInteger(12345)
        let half = ExactInteger.one.shiftedLeft(by: 199)
        var above = 0
        for _ in 0..<4000 {
            let value = source.uniform(below: bound)
            #expect(value.signum >= 0 && value < bound)
            if value >= half { above += 1 }
        }
        // |z| < 3.89: false-alarm rate 1e-4.
        #expect(abs(GoodnessOfFit.binomialZ(successes: above, trials: 4000, p: 0.5)) < 3.89)
    }
}
