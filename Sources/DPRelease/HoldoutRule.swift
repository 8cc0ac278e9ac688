import DPLedger
import DPSources

/// The holdout stands for people the generator never saw: the release gate and the attacks
/// compare the training rows against it, so a holdout that is the training table itself would make
/// every comparison read as safe. This is the one place that rule is checked.
public enum HoldoutRule {
    /// The holdout's fingerprint (`DataSource.fingerprint`), after refusing a holdout whose
    /// fingerprint is the training table's (`trainingHash`): the same bytes, or the same table.
    public static func checkedHash(holdout: DataSource, trainingHash: String) throws -> String {
        let hash = try holdout.fingerprint()
        guard hash != trainingHash else {
            throw ReleaseError(
                "\(holdout): the holdout is the training table itself; give real rows the generator never saw "
                    + "(a separate split of the data)")
        }
        return hash
    }
}
