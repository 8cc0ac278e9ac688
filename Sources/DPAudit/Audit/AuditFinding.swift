/// One attack's verdict: its risk figure with interval, the baseline, the threshold, and whether
/// it passed, tagged with the anonymisation criterion it tests.
///
/// Audit figure: computed on real data, not differentially private.
public struct AuditFinding: Sendable, Codable, Equatable {
    public let criterion: AuditCriterion
    public let attack: String
    public let value: Double
    public let lower: Double
    public let upper: Double
    public let baseline: Double
    public let threshold: Double
    public let passed: Bool
    public let explanation: String
}
