/// The anonymisation criterion an attack tests (the WP29 opinion's three, plus membership and
/// model inversion); the raw values are what reports print.
public enum AuditCriterion: String, Sendable, Codable, CaseIterable {
    case membership
    case singlingOut = "singling out"
    case linkability
    case inference
    case modelInversion = "model inversion"
}

/// Whether every finding of an audit is within the policy.
public enum AuditDecision: String, Sendable, Codable {
    case pass
    case fail
}
