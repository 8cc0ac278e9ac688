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

    /// Where rows repeat (here 8 kinds of row), a separate split holds the same kinds: only
    /// identical tables are refused (`checkRows`).
    @Test func tablesOfRepeatedRowsDoNot() {
        let train = (0..<1000).map { UInt64($0 % 8) }.sorted()
        let holdout = (0..<200).map { UInt64($0 % 8) }.sorted()
        #expect(!HoldoutRule.sharesItsRows(train, holdout))
    }
}
