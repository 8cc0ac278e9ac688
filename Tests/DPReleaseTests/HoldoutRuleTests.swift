import Testing

@testable import DPRelease

/// When two tables' rows are one table's: `HoldoutRule.sharesItsRows` on sorted row hashes.
@Suite struct HoldoutRuleTests {
    let people = (0..<1000).map { UInt64($0) * 7919 }

    @Test func aTableWithAFewRowsAddedRemovedOrEditedSharesItsRows() {
        let less = Array(people.dropLast())
        let more = (people + [1]).sorted()
        var edited = people
        edited[10] = 3
        for other in [less, more, edited.sorted()] {
            #expect(HoldoutRule.sharesItsRows(people, other) && HoldoutRule.sharesItsRows(other, people))
        }
    }

    @Test func separateSplitsDoNot() {
        let others = (1000..<1500).map { UInt64($0) * 7919 }
        #expect(!HoldoutRule.sharesItsRows(people, others))
        // One row in three shared, as where a third of the people have a twin in the other split.
        let someShared = (others.prefix(330) + people.prefix(170)).sorted()
        #expect(!HoldoutRule.sharesItsRows(people, someShared))
    }

    /// A part of the training table is the same people; a small separate holdout against a large
    /// training table of few columns is not (a helper's review: 300 rows of Adult's test file on
    /// 5 columns were refused, since the training table held most of their kinds).
    @Test func aPartSharesItsRowsAndASmallSeparateSampleOfCommonRowsDoesNot() {
        #expect(HoldoutRule.sharesItsRows(people, Array(people.prefix(300))))
        // 30,000 rows of 3,000 kinds, each kind 1 to 20 times; 300 rows drawn from the same kinds.
        let kinds = (0..<3000).map { UInt64($0) * 7919 }
        let train = kinds.enumerated().flatMap { Array(repeating: $1, count: $0 % 20 + 1) }.sorted()
        var state: UInt64 = 42
        let holdout = (0..<300).map { _ -> UInt64 in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return train[Int((state >> 33) % UInt64(train.count))]
        }.sorted()
        #expect(!HoldoutRule.sharesItsRows(train, holdout))
    }

    /// Where rows repeat (here 8 kinds of row), a separate split holds the same kinds: only
    /// identical tables are refused (`checkRows`).
    @Test func tablesOfRepeatedRowsDoNot() {
        let train = (0..<1000).map { UInt64($0 % 8) }.sorted()
        let holdout = (0..<200).map { UInt64($0 % 8) }.sorted()
        #expect(!HoldoutRule.sharesItsRows(train, holdout))
    }
}
