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
}
