import DPAudit
import Foundation

/// A short Markdown summary of a report, for a ticket or an e-mail.
public enum MarkdownSummary {
    public static func render(_ report: ComplianceReport) -> String {
        var lines = ["# DPSynth release: \(report.decision.outcome.rawValue)", ""]
        if report.privacy.seeded { lines += ["**SEEDED run: for testing only, not a private release.**", ""] }
        lines.append(
            "- Guarantee: (\(report.privacy.epsilon), \(report.privacy.delta))-DP, unit: "
                + "\(report.privacy.unitOfPrivacy); \(report.privacy.mechanism)"
        )
        lines.append(
            String(
                format: "- Dataset budget: spent epsilon %.4g of %.4g", report.privacy.ledger.spent.epsilon,
                report.privacy.ledger.totalEpsilon))
        if let gate = report.gate {
            lines.append(
                String(
                    format: "- Release gate (DP, epsilon %g per evaluation, %d evaluation(s)): %@", gate.epsilon,
                    gate.evaluations, gate.passed ? "passed" : "failed")
                    + gate.checks.map { String(format: "; %@ advantage %.4f", Self.escaped($0.name), $0.advantage) }
                    .joined() + (gate.holdout.map { "; " + $0.summary } ?? ""))
        }
        if report.utility != nil || report.audit != nil {
            lines.append(
                "- Utility and attacks: \(RealDataNotice.text); keep this summary as confidential as the data.")
        }
        if let utility = report.utility {
            lines.append(
                String(
                    format: "- Utility: 2-way TVD %.3f, 3-way TVD %.3f, k-marginal score %.0f", utility.meanTwoWayTVD,
                    utility.meanThreeWayTVD,
                    utility.kMarginalScore)
                    + utility.classifiers.map {
                        String(
                            format: "; %@ TSTR AUC %.3f (real %.3f)", Self.escaped($0.classifier), $0.syntheticAUC,
                            $0.realAUC)
                    }.joined())
        }
        if let sample = report.audit?.sample, sample.isSubsample {
            lines.append("- Attacks and utility \(sample.description).")
        }
        if let audit = report.audit {
            lines.append("- Attacks (advisory, not part of the decision; \(audit.decision.rawValue)):")
            lines += audit.findings.map {
                String(
                    format: "  - %@ — %@: %.3f [%.3f, %.3f], threshold %.2f: %@", $0.criterion.rawValue,
                    Self.escaped($0.attack),
                    $0.value,
                    $0.lower, $0.upper, $0.threshold, $0.passed ? "pass" : "FAIL")
            }
        }
        if let check = report.implementationAudit {
            let scope = (check.scope ?? []).map { "; \($0)" }.joined()
            lines.append(
                "- Implementation check (one-run canary audit of \(Self.escaped(check.method)) on "
                    + "\(Self.escaped(check.data)), \(check.note); not a figure of this release\(scope)): "
                    + Self.escaped(check.statement))
        }
        if !report.decision.reasons.isEmpty {
            lines += ["", "Reasons:"] + report.decision.reasons.map { "- \(Self.escaped($0))" }
        }
        lines += [
            "", "Synthetic data: `\(report.decision.syntheticPath)` (BLAKE2b \(report.provenance.syntheticHash))", "",
        ]
        return lines.joined(separator: "\n")
    }

    /// `text` with the characters a Markdown viewer reads as HTML or as a line's start replaced:
    /// column and category names reach the summary inside attack names and reasons.
    package static func escaped(_ text: String) -> String {
        // By scalar: "\r\n" is one Character, equal to neither line break alone.
        let breaks: Set<Unicode.Scalar> = ["\u{2028}", "\u{2029}"]
        let flat = text.unicodeScalars.map {
            $0.properties.generalCategory == .control || breaks.contains($0) ? " " : $0
        }
        return SVGChart.escape(String(String.UnicodeScalarView(flat)))
    }
}
