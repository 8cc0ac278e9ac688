import Testing

@testable import DPRandomness

@Suite struct ExactIntegerTests {
    @Test func arithmeticPromotesToGMPOnOverflow() {
        let big = ExactInteger(Int128.max)
        let sum = big + big
        #expect(sum.description == "340282366920938463463374607431768211454")
        #expect((sum - big) == big)
        let square = big * big
        #expect(square.floorDivided(by: big).quotient == big)
    }
}

@Suite struct ExactRationalTests {
    @Test func doublesConvertExactlyAndBack() {
        for value in [0.1, -2.5, 1e-300, Double.leastNonzeroMagnitude, 1.7976931348623157e308, 3.0, -0.0] {
            let rational = ExactRational(exactly: value)!
            #expect(rational.doubleValue == value)
        }
        #expect(ExactRational(exactly: 0.5) == ExactRational(1, 2))
        #expect(ExactRational(exactly: .nan) == nil)
    }

    @Test func parsingIsExact() {
        #expect(ExactRational(parsing: "0.1") == ExactRational(1, 10))
        #expect(ExactRational(parsing: "-3/6") == ExactRational(-1, 2))
        #expect(ExactRational(parsing: "1e-3") == ExactRational(1, 1000))
        #expect(ExactRational(parsing: "abc") == nil)
        #expect(ExactRational(parsing: "1/0") == nil)
    }

    @Test func floorCeilingAndRounding() {
        #expect(ExactRational(-7, 2).floor == ExactInteger(-4))
        #expect(ExactRational(-7, 2).ceiling == ExactInteger(-3))
        #expect(ExactRational(5, 2).roundedToNearest == ExactInteger(3))
        #expect(ExactRational(-5, 2).roundedToNearest == ExactInteger(-2))
    }
}
