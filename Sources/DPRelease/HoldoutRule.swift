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
    /// identities above, of bytes and relations, do not see. `holdout` names it in the message.
    public static func checkRows(training: EncodedDataset, holdout: EncodedDataset, name: String) throws {
        guard training.rowCount == holdout.rowCount, training.codes.count == holdout.codes.count else { return }
        // Each row as a 64-bit FNV-1a hash of its codes, sorted: 8 bytes a row, whatever the width.
        func rows(_ table: EncodedDataset) -> [UInt64] {
            var hashes = [UInt64](repeating: 0xcbf2_9ce4_8422_2325, count: table.rowCount)
            for column in table.codes {
                for (row, code) in column.enumerated() {
                    hashes[row] = (hashes[row] ^ UInt64(code)) &* 0x100_0000_01b3
                }
            }
            return hashes.sorted()
        }
        guard rows(training) != rows(holdout) else {
            throw ReleaseError(
                "\(name): the holdout holds the training table's rows (in another file's form or order); give "
                    + "real rows the generator never saw (a separate split of the data)")
        }
    }
}
