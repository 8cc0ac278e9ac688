import DPAccounting
import DPAudit

/// A compliance checklist: each item of a framework answered from the report's own content.
public struct Checklist: Sendable, Codable, Equatable {
    public let framework: String
    public let items: [Item]

    public struct Item: Sendable, Codable, Equatable {
        public let requirement: String
        public let status: Status
        public let evidence: String
    }

    /// Whether the report's content meets a requirement.
    public enum Status: String, Sendable, Codable {
        case met
        case notMet = "not met"
        case notAssessed = "not assessed"
    }

    static func item(_ requirement: String, _ met: Bool?, _ evidence: String) -> Item {
        Item(requirement: requirement, status: met.map { $0 ? .met : .notMet } ?? .notAssessed, evidence: evidence)
    }

    /// The three checklists: NIST SP 800-226, the GDPR anonymisation criteria (WP29 opinion
    /// 05/2014), and the NIST AI RMF privacy measures.
    static func all(for report: ComplianceReport) -> [Checklist] {
        let privacy = report.privacy
        let findings = report.audit?.findings ?? []
        func criterion(_ name: AuditCriterion) -> Bool? {
            let relevant = findings.filter { $0.criterion == name }
            return relevant.isEmpty ? nil : relevant.allSatisfy(\.passed)
        }
        func figures(_ name: AuditCriterion) -> String {
            let relevant = findings.filter { $0.criterion == name }
            guard !relevant.isEmpty else { return "attack not run" }
            // The verdict reads the point value; the interval says how sure it is.
            return relevant.map {
                String(
                    format: "%@: %.3f [%.3f, %.3f] (threshold %.2f, judged on the point value)", $0.attack, $0.value,
                    $0.lower, $0.upper, $0.threshold)
            }
            .joined(separator: "; ")
        }
        let withinBudget = BudgetLimit.fits(
            privacy.ledger.charges.map(\.cost), epsilon: privacy.ledger.totalEpsilon, delta: privacy.ledger.totalDelta)
        let nist = Checklist(
            framework: "NIST SP 800-226 (Guidelines for Evaluating Differential Privacy Guarantees)",
            items: [
                item(
                    "Privacy parameters stated (epsilon, delta) and within the declared budget", withinBudget,
                    String(
                        format: "epsilon %.4g, delta %.3g for this release; dataset ledger spent %.4g of %.4g",
                        privacy.epsilon, privacy.delta,
                        privacy.ledger.spent.epsilon, privacy.ledger.totalEpsilon)),
                item(
                    "Unit of privacy defined", true,
                    "\(privacy.unitOfPrivacy); neighbouring: \(privacy.neighbouringRelation)"),
                item("Algorithm and accountant named", true, "\(privacy.mechanism); \(privacy.accountant)"),
                item(
                    "Implementation resists floating-point and randomness attacks", !privacy.seeded,
                    privacy.seeded
                        ? "SEEDED run: not a private release"
                        : "\(report.implementation.entropySource); \(report.implementation.samplers)"),
                item("Trust model stated", true, ComplianceReport.ImplementationSecurity.trustModel),
                item(
                    "Every release charged before it is made", true,
                    "\(privacy.ledger.charges.count) ledger charges, each written before its noise was drawn"),
                implementationCheck(report.implementationAudit),
            ])
        let gdpr = Checklist(
            framework: "GDPR anonymisation criteria (Article 29 WP Opinion 05/2014)",
            items: [
                item("Singling out", criterion(.singlingOut), figures(.singlingOut)),
                item("Linkability", criterion(.linkability), figures(.linkability)),
                item(
                    "Inference", criterion(.inference).map { $0 && (criterion(.modelInversion) ?? true) },
                    figures(.inference) + "; " + figures(.modelInversion)),
            ])
        let rmf = Checklist(
            framework: "NIST AI RMF 1.0 privacy measures (MEASURE 2.10)",
            items: [
                item(
                    "Privacy risk measured before release", report.audit != nil,
                    report.audit.map { "attack suite run in \(String(format: "%.1f", $0.seconds)) s" } ?? "no audit"),
                item(
                    "Membership inference evaluated with an empirical privacy bound", criterion(.membership),
                    figures(.membership)),
                item(
                    "Utility documented beside privacy", report.utility != nil,
                    report.utility.map {
                        String(format: "mean 2-way TVD %.3f, 3-way %.3f", $0.meanTwoWayTVD, $0.meanThreeWayTVD)
                    } ?? "no utility evaluation"),
                item(
                    "Provenance recorded", true,
                    "input, schema, config and output hashed (\(report.provenance.hashAlgorithm)); tool "
                        + "\(report.provenance.toolVersion)"
                ),
            ])
        return [nist, gdpr, rmf]
    }

    /// The one-run canary audit of the method's code: met only when it found no evidence against
    /// the claim, its control shows it could have caught a copy of the rows, and it ran what the
    /// release runs (its `scope` is empty); an audit of other settings is not an assessment.
    static func implementationCheck(_ check: ImplementationAudit?) -> Item {
        let requirement = "Implementation audited empirically, with no evidence that it exceeds its claimed epsilon"
        guard let check else { return item(requirement, nil, "no one-run canary audit of the method") }
        let scope = check.scope ?? []
        let met: Bool? =
            switch check.verdict {
            case .claimExceeded: false
            case .noEvidenceAgainstClaim: scope.isEmpty ? true : nil
            case .inconclusive: nil
            }
        let differences = scope.isEmpty ? "" : "; not of this release's run: " + scope.joined(separator: "; ")
        return item(
            requirement, met, "\(check.method) on \(check.data) (\(check.note)): \(check.statement)\(differences)")
    }
}
