import DPLedger

/// The holdout stands for people the generator never saw: the release gate and the attacks
/// compare the training rows against it, so a holdout that is the training file itself would make
/// every comparison read as safe. This is the one place that rule is checked.
public enum HoldoutRule {
    /// The holdout file's BLAKE2b hash, after refusing a holdout whose bytes are the training
    /// file's (`trainingHash`).
    public static func checkedHash(holdout: String, trainingHash: String) throws -> String {
        let hash = try Blake2b.hex(file: holdout)
        guard hash != trainingHash else {
            throw ReleaseError(
                "\(holdout): the holdout is the training table itself; give real rows the generator never saw "
                    + "(a separate split of the data)")
        }
        return hash
    }
}
