import DPData
import DPLedger
import DPSources

/// The holdout stands for people the generator never saw: the release gate and the attacks
/// compare the training rows against it, so a holdout that is the training table itself would make
/// every comparison read as safe. This is the one place that rule is checked.
public enum HoldoutRule {
    /// The holdout's identity (`DataSource.identity`; keep it until the holdout is read), after
    /// refusing a holdout that reads rows the training table reads (`training`): the same bytes,
    /// the same table, or a view, parent or partition of it.
    public static func checked(holdout: DataSource, training: DataIdentity) throws -> DataIdentity {
        let identity = try holdout.identity()
        guard !identity.overlaps(training) else {
            throw ReleaseError(
                "\(holdout): the holdout is the training table itself (or reads some of its rows); give real rows "
                    + "the generator never saw (a separate split of the data, in a table or file of its own)")
        }
        return identity
    }

    /// Refuses a holdout whose rows, once read, are the training rows: the same file in another
    /// form (line endings, blank lines, quoting, spacing, row order) is the same people, which the
    /// identities above, of bytes and relations, do not see; and so is a table that holds many of
    /// the other's rows, such as the other with a few rows added, removed or edited, or a part of
    /// it. A row says so only when it is rare: one of a kind in the smaller table and at most once
    /// in the larger (a row the larger table holds twice or more is a common one, which any
    /// separate split shares). Where most of the smaller table's rows are rare, a separate split
    /// finds few of them in the other table; when at least `sharedShare` are there, the two are
    /// refused as one. Where rows repeat (few columns, small domains), only identical tables are
    /// refused. `holdout` names it in the message.
    public static func checkRows(training: EncodedDataset, holdout: EncodedDataset, name: String) throws {
        let trainRows = rowHashes(training)
        let holdoutRows = rowHashes(holdout)
        let identical = trainRows == holdoutRows && training.codes.count == holdout.codes.count
        guard !identical && !sharesItsRows(trainRows, holdoutRows) else {
            throw ReleaseError(
                "\(name): the holdout holds the training table's rows (in another file's form or order, or with a few "
                    + "rows added, removed or edited, or a part of them); give real rows the generator never saw (a "
                    + "separate split of the data). Confidential: this refusal is computed on the private rows")
        }
    }

    /// The share of the smaller table's rare rows found in the other beyond which the two are one
    /// table's rows.
    static let sharedShare = 0.9

    /// Whether the smaller of two tables (sorted row hashes) has at least 20 rare rows (one of a
    /// kind in it, at most once in the larger), at least half its rows, and at least
    /// `sharedShare` of those are rows of the larger table.
    static func sharesItsRows(_ first: [UInt64], _ second: [UInt64]) -> Bool {
        let (smaller, larger) = first.count <= second.count ? (first, second) : (second, first)
        // Both are sorted: one walk through each counts every row's copies, with no table beside.
        func runEnd(_ rows: [UInt64], from start: Int) -> Int {
            var end = start + 1
            while end < rows.count && rows[end] == rows[start] { end += 1 }
            return end
        }
        var rare = 0
        var shared = 0
        var index = 0
        var other = 0
        while index < smaller.count {
            let end = runEnd(smaller, from: index)
            if end == index + 1 {
                while other < larger.count && larger[other] < smaller[index] { other += 1 }
                let copies =
                    other < larger.count && larger[other] == smaller[index]
                    ? runEnd(larger, from: other) - other : 0
                if copies <= 1 {
                    rare += 1
                    shared += copies
                }
            }
            index = end
        }
        guard rare >= 20, 2 * rare >= smaller.count else { return false }
        return Double(shared) >= sharedShare * Double(rare)
    }

    /// Each row as a 64-bit FNV-1a hash of its codes, sorted: 8 bytes a row, whatever the width.
    static func rowHashes(_ table: EncodedDataset) -> [UInt64] {
        var hashes = [UInt64](repeating: 0xcbf2_9ce4_8422_2325, count: table.rowCount)
        for column in table.codes {
            for (row, code) in column.enumerated() {
                hashes[row] = (hashes[row] ^ UInt64(code)) &* 0x100_0000_01b3
            }
        }
        return hashes.sorted()
    }
}
