/// The label every audit and utility figure carries wherever it is shown (terminal, summaries,
/// quarantine notes): the figures are computed on the real data and are not differentially private.
public enum RealDataNotice {
    public static let text = "audit figures computed on the real data; not differentially private"
    /// The label of a run's time wherever a command shows it: it grows with the real table's size.
    public static let timing = "the time grows with the real data's size: confidential, not differentially private"
}
