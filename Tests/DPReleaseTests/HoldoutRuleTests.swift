import Testing

@testable import DPRelease

/// When two tables' rows are one table's: `HoldoutOverlap.sharesRows` on sorted row hashes.
@Suite struct HoldoutRuleTests {
    let people = (0..<1000).map { UInt64($0) * 7919 }

    /// The rule on the exact counts of two tables' sorted row hashes, the first as the training.
    func sharesRows(_ training: [UInt64], _ holdout: [UInt64]) -> Bool {
        HoldoutOverlap(training: training, holdout: holdout).sharesRows(
            trainingRows: training.count, holdoutRows: holdout.count)
    }

    @Test func aTableWithAFewRowsAddedRemovedOrEditedSharesItsRows() {
        let less = Array(people.dropLast())
        let more = (people + [1]).sorted()
        var edited = people
        edited[10] = 3
        for other in [less, more, edited.sorted()] {
            #expect(sharesRows(people, other) && sharesRows(other, people))
        }
    }

    @Test func separateSplitsDoNot() {
        let others = (1000..<1500).map { UInt64($0) * 7919 }
        #expect(!sharesRows(people, others))
        // One row in three shared, as where a third of the people have a twin in the other split.
        let someShared = (others.prefix(330) + people.prefix(170)).sorted()
        #expect(!sharesRows(people, someShared))
    }

    /// A part of the training table is the same people; a small separate holdout against a large
    /// training table of few columns is not (a helper's review: 300 rows of Adult's test file on
    /// 5 columns were refused, since the training table held most of their kinds).
    @Test func aPartSharesItsRowsAndASmallSeparateSampleOfCommonRowsDoesNot() {
        #expect(sharesRows(people, Array(people.prefix(300))))
        // 30,000 rows of 3,000 kinds, each kind 1 to 20 times; 300 rows drawn from the same kinds.
        let kinds = (0..<3000).map { UInt64($0) * 7919 }
        let train = kinds.enumerated().flatMap { Array(repeating: $1, count: $0 % 20 + 1) }.sorted()
        var state: UInt64 = 42
        let holdout = (0..<300).map { _ -> UInt64 in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return train[Int((state >> 33) % UInt64(train.count))]
        }.sorted()
        #expect(!sharesRows(train, holdout))
    }

    /// Where rows repeat (here 8 kinds of row), a separate split holds the same kinds: only
    /// identical tables are refused (`HoldoutRule.checkRows`).
    @Test func tablesOfRepeatedRowsDoNot() {
        let train = (0..<1000).map { UInt64($0 % 8) }.sorted()
        let holdout = (0..<200).map { UInt64($0 % 8) }.sorted()
        #expect(!sharesRows(train, holdout))
    }

    /// Rows counted by hand: rare rows (at most once in each table) in both, in one only; rows
    /// held twice anywhere are not rare.
    @Test func theCountsAreTheRareRowsOfEachKind() {
        let overlap = HoldoutOverlap(training: [1, 2, 3, 3, 5, 6, 6], holdout: [1, 3, 4, 6, 7, 7, 8])
        #expect(overlap == HoldoutOverlap(shared: 1, trainingOnly: 2, holdoutOnly: 2))
        #expect(
            HoldoutOverlap(training: [], holdout: [4]) == HoldoutOverlap(shared: 0, trainingOnly: 0, holdoutOnly: 1))
    }

    /// Adding any one row to either table moves the three counts by at most 2 in L1: the
    /// sensitivity the release gate's noise is calibrated to (every row of a small domain, added
    /// to tables whose rows are held zero to three times).
    @Test func oneRowMovesTheCountsByAtMostTwo() {
        let training: [UInt64] = [0, 1, 2, 2, 4, 5, 5, 5, 7]
        let holdout: [UInt64] = [0, 2, 3, 5, 6, 6, 8]
        let before = HoldoutOverlap(training: training, holdout: holdout)
        var largest = 0
        for row in UInt64(0)...9 {
            for after in [
                HoldoutOverlap(training: (training + [row]).sorted(), holdout: holdout),
                HoldoutOverlap(training: training, holdout: (holdout + [row]).sorted()),
            ] {
                largest = max(largest, zip(before.counts, after.counts).map { abs($0 - $1) }.reduce(0, +))
            }
        }
        #expect(largest == ReleaseGate.overlapSensitivity)
    }

    /// On noisy counts the shared rows must stand out of the noise, and the half and the share
    /// are asked with slack: the counts that say "one table" exactly say nothing when the noise's
    /// scale is a quarter of the shared rows or more; a copy's share a little under 0.9 still
    /// counts.
    @Test func noisyCountsMustStandOutOfTheNoise() {
        let overlap = HoldoutOverlap(shared: 96, trainingOnly: 900, holdoutOnly: 4)
        #expect(overlap.sharesRows(trainingRows: 1000, holdoutRows: 100))
        #expect(overlap.sharesRows(trainingRows: 1000, holdoutRows: 100, noiseScale: 24))
        #expect(!overlap.sharesRows(trainingRows: 1000, holdoutRows: 100, noiseScale: 25))
        let shortOfTheShare = HoldoutOverlap(shared: 800, trainingOnly: 2000, holdoutOnly: 110)
        #expect(!shortOfTheShare.sharesRows(trainingRows: 3000, holdoutRows: 1000))
        #expect(shortOfTheShare.sharesRows(trainingRows: 3000, holdoutRows: 1000, noiseScale: 20))
        // Noise can make counts negative: no rule holds on them.
        let negative = HoldoutOverlap(shared: -40, trainingOnly: -10, holdoutOnly: -300)
        #expect(!negative.sharesRows(trainingRows: -5, holdoutRows: 10, noiseScale: 5))
    }
}
