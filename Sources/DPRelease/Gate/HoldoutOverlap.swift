import DPData

/// How the rare rows of the training table and of the holdout meet: a row (all columns) is rare
/// when each table holds it at most once. The holdout stands for people the generator never saw,
/// so rows one of a kind in both tables say the two share people; a separate split of a table
/// whose rows are mostly one of a kind finds few of them in the other.
///
/// Adding or removing one row of either table changes one row's copies in one table by one, and
/// so moves the three counts by at most 2 in L1 (a row held once by the other table moves from
/// that table's own count to `shared`): the gate releases them with its noise
/// (Proofs/release-gate.md).
public struct HoldoutOverlap: Sendable, Equatable {
    /// Rare rows held once in each table.
    public var shared: Int
    /// Rare rows held once in the training table and not in the holdout.
    public var trainingOnly: Int
    /// Rare rows held once in the holdout and not in the training table.
    public var holdoutOnly: Int

    public init(shared: Int, trainingOnly: Int, holdoutOnly: Int) {
        self.shared = shared
        self.trainingOnly = trainingOnly
        self.holdoutOnly = holdoutOnly
    }

    /// The counts of two tables read with one schema.
    public init(training: EncodedDataset, holdout: EncodedDataset) {
        self.init(training: RowHash.sorted(training), holdout: RowHash.sorted(holdout))
    }

    /// The counts of two tables given as their sorted row hashes (`RowHash.sorted`). Both are
    /// sorted: one walk through each counts every row's copies, with no table beside.
    init(training: [UInt64], holdout: [UInt64]) {
        self.init(shared: 0, trainingOnly: 0, holdoutOnly: 0)
        func copies(of row: UInt64, in rows: [UInt64], from start: Int) -> Int {
            var end = start
            while end < rows.count && rows[end] == row { end += 1 }
            return end - start
        }
        var (inTraining, inHoldout) = (0, 0)
        while inTraining < training.count || inHoldout < holdout.count {
            let row =
                inTraining == training.count
                ? holdout[inHoldout]
                : inHoldout == holdout.count ? training[inTraining] : min(training[inTraining], holdout[inHoldout])
            let trainingCopies = copies(of: row, in: training, from: inTraining)
            let holdoutCopies = copies(of: row, in: holdout, from: inHoldout)
            inTraining += trainingCopies
            inHoldout += holdoutCopies
            switch (trainingCopies, holdoutCopies) {
            case (1, 1): shared += 1
            case (1, 0): trainingOnly += 1
            case (0, 1): holdoutOnly += 1
            default: break
            }
        }
    }

    /// The share of the smaller table's rare rows found in the other beyond which the two are one
    /// table's rows.
    public static let sharedShare = 0.9

    /// Whether the two tables are one table's rows: the same file in another form (line endings,
    /// quoting, row order), the other with a few rows added, removed or edited, or a part of it.
    /// True when the smaller table (by `trainingRows` and `holdoutRows`) has at least 20 rare
    /// rows, at least half its rows are rare, and at least `sharedShare` of those are in the
    /// other table. Where rows repeat (few columns, small domains) few rows are rare and this
    /// says nothing.
    ///
    /// On noisy counts, `noiseScale` is the noise's scale b: the half and the share are asked
    /// with a slack of 4b and 2b (a copy's counts fall short of them by noise alone), and the
    /// shared rows must exceed 4b, so a separate split, whose shared rows are few, is taken for a
    /// copy with chance about e^-4 / 2 (under 1%) per evaluation; a copy whose rare rows are
    /// fewer than about 4b is not caught. With `noiseScale` 0 the rule is the exact one.
    public func sharesRows(trainingRows: Int, holdoutRows: Int, noiseScale: Double = 0) -> Bool {
        let (smallerRows, smallerOnly) =
            trainingRows <= holdoutRows ? (trainingRows, trainingOnly) : (holdoutRows, holdoutOnly)
        let rare = Double(shared + smallerOnly)
        guard rare >= 20, 2 * rare + 4 * noiseScale >= Double(smallerRows) else { return false }
        return Double(shared) + 2 * noiseScale >= Self.sharedShare * rare && Double(shared) >= 4 * noiseScale
    }

    /// The counts in the gate's vector order.
    var counts: [Int] { [shared, trainingOnly, holdoutOnly] }
}
