import DPData
import DPLedger
import DPSources

/// The holdout stands for people the generator never saw: the release gate and the attacks
/// compare the training rows against it, so a holdout that is the training table itself would make
/// every comparison read as safe. This is the one place that rule is checked before rows are
/// read; on the rows, a release's gate tests it with noise (`HoldoutOverlap`), and an audit or
/// evaluation, whose figures are confidential, exactly (`checkRows`).
public enum HoldoutRule {
    /// The holdout's identity (`DataSource.identity`; keep it until the holdout is read), after
    /// refusing a holdout that reads rows the training table reads (`training`): the same bytes,
    /// the same table, or a view, parent or partition of it. Once both are read, `checkRead`
    /// refuses a file with the training file's records, and a file or table with the training
    /// data's encoded rows.
    public static func checked(holdout: DataSource, training: DataIdentity) throws -> DataIdentity {
        let identity = try holdout.identity()
        try checkRead(holdout: identity, training: training, name: "\(holdout)")
        return identity
    }

    /// Refuses a holdout that reads rows the training table reads: once both are read, also one
    /// whose records are the training file's in another form (`CSVRecordsDigest`), or whose
    /// encoded rows are the training data's, a file's or a table's (`EncodedRowsDigest`); `name`
    /// names it.
    public static func checkRead(holdout: DataIdentity, training: DataIdentity, name: String) throws {
        guard !holdout.overlaps(training) else {
            throw ReleaseError(
                "\(name): the holdout is the training table itself (or reads some of its rows); give real rows "
                    + "the generator never saw (a separate split of the data, in a table or file of its own)")
        }
    }

    /// Refuses a holdout whose rows, once read, are the training rows (`HoldoutOverlap.sharesRows`
    /// on the exact counts), or identical to them (which, where rows repeat, no rare row shows).
    /// The refusal is computed on the private rows: an audit's or evaluation's, whose figures
    /// are the custodian's. `name` names the holdout in the message.
    public static func checkRows(training: EncodedDataset, holdout: EncodedDataset, name: String) throws {
        let trainingRows = RowHash.sorted(training)
        let holdoutRows = RowHash.sorted(holdout)
        let overlap = HoldoutOverlap(training: trainingRows, holdout: holdoutRows)
        guard
            trainingRows != holdoutRows
                && !overlap.sharesRows(trainingRows: trainingRows.count, holdoutRows: holdoutRows.count)
        else {
            throw ReleaseError(
                "\(name): the holdout holds the training table's rows (in another file's form or order, or with a few "
                    + "rows added, removed or edited, or a part of them); give real rows the generator never saw (a "
                    + "separate split of the data). Confidential: this refusal is computed on the private rows")
        }
    }
}
