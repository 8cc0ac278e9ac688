import DPAccounting
import DPAudit
import DPLedger
import Foundation

/// The report as one self-contained HTML page (inline CSS and SVG, no scripts or external files).
public enum HTMLReport {
    static func e(_ text: String) -> String { SVGChart.escape(text) }
    static func f(_ value: Double, _ digits: Int = 3) -> String { String(format: "%.\(digits)f", value) }

    public static func render(_ report: ComplianceReport) -> String {
        var html = head(title: "DPSynth compliance report")
        html += """
            <p class="note">\(e(report.format)) · created \(e(report.provenance.createdAt)) · \
            dpsynth \(e(report.provenance.toolVersion)) (\(e(report.provenance.gitCommit)))</p>
            """
        html += decisionSection(report.decision.outcome, reasons: report.decision.reasons)
        html += "<p>Synthetic data: <code>\(e(report.decision.syntheticPath))</code></p>"
        if report.privacy.seeded { html += seededNotice }
        html += privacySection(report.privacy)
        if let gate = report.gate { html += gateSection(gate) }
        html += implementationSection(report.implementation)
        html += provenanceSection(report.provenance)
        if let utility = report.utility { html += utilitySection(utility) }
        if let audit = report.audit { html += auditSection(audit) }
        if let check = report.implementationAudit {
            html += implementationAuditSection(check)
        }
        html += checklistSection(report.checklists)
        html += proofSection(report.proofs)
        return html + "</body></html>\n"
    }

    /// The page's opening: document head, inline style and title.
    static func head(title: String) -> String {
        """
        <!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>\(e(title))</title>
        <style>
        body{font-family:system-ui,sans-serif;margin:2em auto;max-width:1100px;color:#222;line-height:1.4}
        h1{margin-bottom:0}h2{border-bottom:2px solid #ddd;padding-bottom:.2em;margin-top:1.6em}
        table{border-collapse:collapse;margin:.5em 0}\
        td,th{border:1px solid #ccc;padding:.25em .6em;text-align:left;font-size:.92em}
        .release{background:#e3f4e1;border:2px solid #3a8f32;padding:1em}\
        .quarantine{background:#fde2e1;border:2px solid #c0392b;padding:1em}
        .pass{color:#2e7d32;font-weight:bold}.fail{color:#c0392b;font-weight:bold}.note{color:#666;font-size:.9em}
        .charts{display:flex;flex-wrap:wrap;gap:12px}.chart .t{font-size:12px;font-weight:bold}\
        .chart .s{font-size:10px}td.num{white-space:nowrap}
        .seeded{background:#fff3cd;border:2px solid #d4a017;padding:.6em}
        </style></head><body>
        <h1>\(e(title))</h1>
        """
    }

    static func decisionSection(_ outcome: ReleaseOutcome, reasons: [String]) -> String {
        var html = "<div class=\"\(outcome.rawValue)\">"
        html += "<h2 style=\"margin-top:0;border:0\">Decision: \(e(outcome.rawValue))</h2>"
        html +=
            reasons.isEmpty
            ? "<p>The differentially private release gate passed the synthetic table.</p>"
            : "<ul>" + reasons.map { "<li>\(e($0))</li>" }.joined() + "</ul>"
        return html + "</div>"
    }

    static let seededNotice =
        "<p class=\"seeded\"><b>SEEDED run:</b> the random source was seeded for testing. This output is "
        + "reproducible and therefore <b>not</b> a private release.</p>"

    static func checklistSection(_ checklists: [Checklist]) -> String {
        var html = "<h2>Checklists</h2><p class=\"note\">Note: evidence drawn from the audit or the utility "
        html += "evaluation is \(RealDataNotice.text).</p>"
        for checklist in checklists {
            html +=
                "<h3>\(e(checklist.framework))</h3><table><tr><th>requirement</th><th>status</th><th>evidence</th></tr>"
            for item in checklist.items {
                let style: String
                switch item.status {
                case .met: style = "pass"
                case .notMet: style = "fail"
                case .notAssessed: style = "note"
                }
                html += "<tr><td>\(e(item.requirement))</td>"
                html += "<td class=\"\(style)\">\(e(item.status.rawValue))</td><td>\(e(item.evidence))</td></tr>"
            }
            html += "</table>"
        }
        return html
    }

    static func proofSection(_ proofs: [ComplianceReport.ProofReference]) -> String {
        "<h2>Proofs</h2><table><tr><th>claim</th><th>document</th></tr>"
            + proofs.map { "<tr><td>\(e($0.claim))</td><td><code>\(e($0.document))</code></td></tr>" }.joined()
            + "</table>"
    }

    static func privacySection(_ privacy: ComplianceReport.PrivacyGuarantee) -> String {
        var html = "<h2>Privacy guarantee</h2>"
        html += table(
            guaranteeRows(
                epsilon: privacy.epsilon, delta: privacy.delta, unit: privacy.unitOfPrivacy,
                relation: privacy.neighbouringRelation, mechanism: privacy.mechanism, accountant: privacy.accountant,
                rho: privacy.rho, randomness: privacy.randomness)
                + [
                    (
                        "dataset budget",
                        String(
                            format: "epsilon %.4g, delta %.3g; spent epsilon %.4g (all releases from this dataset)",
                            privacy.ledger.totalEpsilon, privacy.ledger.totalDelta, privacy.ledger.spent.epsilon)
                    )
                ])
        let charges = privacy.ledger.charges
        var cumulative: [Double] = []
        for index in charges.indices {
            cumulative.append(
                BudgetSpend(costs: charges[...index].map(\.cost), totalDelta: privacy.ledger.totalDelta).epsilon)
        }
        html += SVGChart.waterfall(
            title: "Budget ledger", labels: charges.map { "\($0.mechanism) \($0.cost)" }, cumulative: cumulative,
            budget: privacy.ledger.totalEpsilon)
        html += "<details><summary>\(charges.count) ledger charges</summary>"
        let formatter = ISO8601DateFormatter()
        html += chargeTable(
            charges.map { ($0.id, formatter.string(from: $0.time), $0.mechanism, $0.cost, $0.seeded) })
        return html + "</details>"
    }

    /// The rows that state a guarantee, shared by the confidential and the public page.
    static func guaranteeRows(
        epsilon: Double, delta: Double, unit: String, relation: String, mechanism: String, accountant: String,
        rho: Double, randomness: String
    ) -> [(String, String)] {
        [
            ("guarantee", "(\(epsilon), \(delta))-differential privacy"), ("unit of privacy", unit),
            ("neighbouring tables", relation), ("mechanism", mechanism), ("accountant", accountant),
            (
                "zCDP rho of the zCDP charges (pure and approximate charges compose beside it)",
                String(format: "%.6g", rho)
            ),
            ("randomness", randomness),
        ]
    }

    /// A two-column table of labelled values.
    static func table(_ rows: [(String, String)]) -> String {
        "<table>" + rows.map { "<tr><th>\(e($0.0))</th><td>\(e($0.1))</td></tr>" }.joined() + "</table>"
    }

    /// The ledger charges as a table.
    static func chargeTable(_ charges: [(id: Int64, time: String, mechanism: String, cost: PrivacyCost, seeded: Bool)])
        -> String
    {
        "<table><tr><th>#</th><th>time</th><th>mechanism</th><th>cost</th><th>seeded</th></tr>"
            + charges.map {
                "<tr><td>\($0.id)</td><td>\(e($0.time))</td><td>\(e($0.mechanism))</td>"
                    + "<td>\(e($0.cost.description))</td><td>\($0.seeded)</td></tr>"
            }.joined() + "</table>"
    }

    static func gateSection(_ gate: GateReport) -> String {
        var html = "<h2>Release gate (differentially private)</h2><p class=\"note\">"
        html += "Every figure in this section is a noisy count or a rate of noisy counts (discrete Laplace, "
        html +=
            "epsilon \(e(String(format: "%g", gate.epsilon))) per evaluation; proof: <code>\(e(gate.proof))</code>). "
        html += "This model's samples have been judged \(gate.evaluations) time(s), each charged to the ledger.</p>"
        html += "<p>Noisy rows: training \(gate.noisyTrainRows), holdout \(gate.noisyHoldoutRows); largest advantage "
        html += "allowed \(f(gate.maxAdvantage, 4)).</p>"
        html += "<table><tr><th>check</th><th>meaning</th><th>training rate</th><th>holdout rate</th>"
        html += "<th>advantage</th><th>result</th></tr>"
        html += gate.checks.map {
            "<tr><td>\(e($0.name))</td><td>\(e($0.meaning))</td><td class=\"num\">\(f($0.noisyTrainRate, 4))</td>"
                + "<td class=\"num\">\(f($0.noisyHoldoutRate, 4))</td><td class=\"num\">\(f($0.advantage, 4))</td>"
                + "<td class=\"\($0.passed ? "pass" : "fail")\">\($0.passed ? "pass" : "fail")</td></tr>"
        }.joined()
        html += "</table>"
        guard let holdout = gate.holdout else { return html }
        return html + "<p>\(e(holdout.summary)): "
            + "<span class=\"\(holdout.passed ? "pass" : "fail")\">\(holdout.passed ? "pass" : "fail")</span></p>"
    }

    static func implementationSection(_ implementation: ComplianceReport.ImplementationSecurity) -> String {
        "<h2>Implementation security</h2>"
            + "<table><tr><th>entropy source</th><td>\(e(implementation.entropySource))</td></tr>"
            + "<tr><th>samplers</th><td>\(e(implementation.samplers))</td>"
            + "</tr><tr><th>floating point</th><td>\(e(implementation.floatingPoint))</td></tr></table>"
            + "<p>Known residual risks:</p><ul>" + implementation.residualRisks.map { "<li>\(e($0))</li>" }.joined()
            + "</ul>"
    }

    static func provenanceSection(_ provenance: ComplianceReport.Provenance) -> String {
        let rows: [(String, String)] = [
            ("input", "\(provenance.inputFile) (\(provenance.inputRows) rows) \(provenance.inputHash)"),
            ("schema", "\(provenance.schemaFile) \(provenance.schemaHash)"), ("configuration", provenance.configHash),
            ("synthetic data", "\(provenance.syntheticRows) rows \(provenance.syntheticHash)"),
            ("holdout", provenance.holdoutHash ?? "none"), ("hash", provenance.hashAlgorithm),
        ]
        return "<h2>Provenance</h2><p class=\"note\">Note: the input row count and the unsalted input and holdout "
            + "hashes are \(RealDataNotice.text).</p><table>"
            + rows.map { "<tr><th>\(e($0.0))</th><td><code>\(e($0.1))</code></td></tr>" }.joined() + "</table>"
    }

    static func utilitySection(_ utility: UtilityEvaluation) -> String {
        var html = "<h2>Utility</h2><p class=\"note\">Note: \(RealDataNotice.text).</p><table>"
        html += "<tr><th>mean total variation distance</th><td>1-way \(f(utility.meanOneWayTVD)), "
        html += "2-way \(f(utility.meanTwoWayTVD)), 3-way \(f(utility.meanThreeWayTVD))</td></tr>"
        html += "<tr><th>k-marginal score (NIST SDNist style, k = 3, of 1000)</th>"
        html += "<td>\(f(utility.kMarginalScore, 0))</td></tr>"
        html += "<tr><th>largest association difference (Cramér's V)</th>"
        html += "<td>\(f(utility.maxAssociationDifference))</td></tr></table>"
        if let reason = utility.classifiersNotRun { html += "<p>Classifiers not run: \(e(reason)).</p>" }
        if !utility.classifiers.isEmpty {
            html += "<table><tr><th>classifier (target)</th><th>train synthetic, test real: accuracy / AUC</th>"
            html += "<th>train real, test real: accuracy / AUC</th></tr>"
            html +=
                utility.classifiers.map {
                    """
                    <tr><td>\(e($0.classifier)) (\(e($0.target)) = \(e($0.positiveClass)))</td>\
                    <td>\(f($0.syntheticAccuracy)) / \(f($0.syntheticAUC))</td>\
                    <td>\(f($0.realAccuracy)) / \(f($0.realAUC))</td></tr>
                    """
                }.joined() + "</table>"
            html += SVGChart.roc(
                title: "Train on synthetic, test on real: ROC",
                curves: utility.classifiers.map {
                    ($0.classifier, $0.roc.map { ($0.falsePositiveRate, $0.truePositiveRate) })
                })
        }
        html += "<h3>Column distributions (blue real, orange synthetic)</h3><div class=\"charts\">"
        html += utility.columns.map {
            SVGChart.distribution(
                title: "\($0.name): TVD \(f($0.totalVariation))", labels: $0.labels, real: $0.real,
                synthetic: $0.synthetic)
        }.joined()
        html += "</div><h3>Associations (Cramér's V)</h3><div class=\"charts\">"
        html += SVGChart.heatmap(title: "real", names: utility.columnNames, matrix: utility.associationReal)
        html += SVGChart.heatmap(title: "synthetic", names: utility.columnNames, matrix: utility.associationSynthetic)
        let difference = zip(utility.associationSynthetic, utility.associationReal).map { zip($0, $1).map { $0 - $1 } }
        html += SVGChart.heatmap(
            title: "synthetic - real (colour scaled to the largest difference)", names: utility.columnNames,
            matrix: difference, signed: true)
        return html + "</div>"
    }

    static func auditSection(_ audit: AuditResult) -> String {
        var html = "<h2>Attacks: \(e(audit.decision.rawValue))</h2><p class=\"note\">Audit "
        html += "figures computed on the real training and holdout data (\(audit.trainRows) and \(audit.holdoutRows) "
        html += "rows); not differentially private. Verdicts compare the point value with the threshold. Intervals: "
        html += "Wilson 95% for the risks ((attack - control) / (1 - control)); bootstrap 95% for AUCs; the least "
        html += "and greatest over targets for shadow models; an empirical epsilon is itself a 95% lower bound. "
        html += "The baseline column is a random guess's success rate, not a risk."
        if let sample = audit.sample, sample.isSubsample { html += " Attacks and utility \(e(sample.description))." }
        html += "</p>"
        html += "<table><tr><th>criterion</th><th>attack</th>"
        html += "<th>value [interval]</th><th>baseline</th><th>threshold</th><th>verdict</th></tr>"
        html +=
            audit.findings.map {
                """
                <tr><td>\(e($0.criterion.rawValue))</td><td>\(e($0.attack))</td><td class=\"num\">\(f($0.value)) \
                [\(f($0.lower)), \(f($0.upper))]</td><td>\(f($0.baseline))</td><td>\(f($0.threshold, 2))</td>\
                <td class=\"\($0.passed ? "pass" : "fail")\">\($0.passed ? "pass" : "fail")</td></tr>
                """
            }.joined() + "</table>"
        html += "<p>Secrets: \(e(audit.secrets.joined(separator: ", "))); "
        html += "quasi-identifiers: \(e(audit.quasiIdentifiers.joined(separator: ", ")))</p>"
        html += SVGChart.roc(
            title: "Membership inference ROC",
            curves: audit.membership.map {
                ("\($0.attack) (AUC \(f($0.auc)))", $0.roc.map { ($0.falsePositiveRate, $0.truePositiveRate) })
            })
        html += "<table><tr><th>attack</th><th>TPR at 1% FPR</th>"
        html += "<th>TPR at 0.1% FPR</th><th>empirical epsilon (95% lower bound)</th></tr>"
        html += audit.membership.map {
            """
            <tr><td>\(e($0.attack))</td><td>\(f($0.truePositiveRateAtOnePercent))</td>\
            <td>\(f($0.truePositiveRateAtTenthPercent))</td><td>\
            \(f($0.empiricalEpsilon.epsilon))\(audit.claimedEpsilon.map { " (claimed \(f($0, 3)))" } ?? "")</td></tr>
            """
        }.joined()
        return html + "</table>"
    }

    static func implementationAuditSection(_ check: ImplementationAudit) -> String {
        var html = "<h2>Implementation check: one-run canary audit of \(e(check.method))</h2><p class=\"note\">"
        html +=
            "An audit of this method's code on \(e(check.data)) (dpsynth \(e(check.toolVersion)); \(e(check.note)); "
        html += "from \(e(check.source ?? "dp-audit")), not a figure of this release: a release cannot plant canaries "
        html += "in the data it releases (Proofs/one-run-audit.md).</p><table><tr><th>claimed epsilon</th>"
        html += "<th>canaries</th><th>right guesses</th><th>epsilon lower bound</th>"
        html += "<th>non-private control's lower bound</th><th>verdict</th></tr>"
        html += """
            <tr><td>\(f(check.claimedEpsilon, 3))</td><td>\(check.canaries)</td>\
            <td>\(check.correct) of \(check.guesses)</td>\
            <td>\(f(check.epsilonLowerBound)) at \(f(check.confidence, 2)) confidence</td>\
            <td>\(f(check.controlEpsilonLowerBound))</td>\
            <td\(check.verdict == .claimExceeded ? " class=\"fail\"" : "")>\(e(check.verdict.rawValue))</td></tr>\
            </table><p>\(e(check.statement))</p>
            """
        for difference in check.scope ?? [] {
            html += "<p class=\"note\">\(e(difference))</p>"
        }
        return html
    }
}
