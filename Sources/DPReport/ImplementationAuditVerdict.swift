/// What a one-run canary audit says about the epsilon its generator claims, read from its
/// figures alone (`ImplementationAudit`): the rule is here and nowhere else, so the report, the
/// console, the checklist and the release's refusal cannot disagree.
///
/// A bound at or below the claim is never evidence for the claim: the control releases the rows
/// as they are, so it shows that the canaries and the score would catch a copy, not that they
/// would catch the generator with too little noise.
public enum ImplementationAuditVerdict: String, Sendable, Codable {
    /// The run's epsilon is bounded below above the claim: this build spends more than it says.
    case claimExceeded = "claim exceeded"
    /// The bound is at or below the claim, and the control's bound is above it.
    case noEvidenceAgainstClaim = "no evidence against the claim"
    /// The control's bound is at or below the claim too: even a copy of the rows would not have
    /// been caught at this claim, so the audit says nothing.
    case inconclusive

    public init(claimedEpsilon: Double, epsilonLowerBound: Double, controlEpsilonLowerBound: Double) {
        if epsilonLowerBound > claimedEpsilon {
            self = .claimExceeded
        } else if controlEpsilonLowerBound > claimedEpsilon {
            self = .noEvidenceAgainstClaim
        } else {
            self = .inconclusive
        }
    }
}
