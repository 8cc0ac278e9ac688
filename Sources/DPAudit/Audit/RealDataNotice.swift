/// The label every audit and utility figure carries wherever it is shown (terminal, summaries,
/// quarantine notes): the figures are computed on the real data and are not differentially private.
public enum RealDataNotice {
    public static let text = "audit figures computed on the real data; not differentially private"
}
