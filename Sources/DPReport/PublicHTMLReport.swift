import DPAccounting
import Foundation

/// The public report as one self-contained HTML page: the same DP-only content as `PublicReport`.
public enum PublicHTMLReport {
    public static func render(_ report: PublicReport) -> String {
        typealias Page = HTMLReport
        var html = Page.head(title: "DPSynth public release report")
        html += "<p class=\"note\">\(Page.e(report.format)) · created \(Page.e(report.createdAt)) · dpsynth "
        html += "\(Page.e(report.toolVersion)) (\(Page.e(report.gitCommit))). Every figure on this page is "
        html += "differentially private or reveals nothing about the real rows.</p>"
        html += Page.decisionSection(report.outcome, reasons: report.reasons)
        if report.guarantee.seeded { html += Page.seededNotice }
        let guarantee = report.guarantee
        let rows: [(String, String)] = [
            ("guarantee", "(\(guarantee.epsilon), \(guarantee.delta))-differential privacy"),
            ("unit of privacy", guarantee.unitOfPrivacy), ("neighbouring tables", guarantee.neighbouringRelation),
            ("method", report.method), ("mechanism", guarantee.mechanism), ("accountant", guarantee.accountant),
            ("zCDP rho", String(format: "%.6g", guarantee.rho)), ("randomness", guarantee.randomness),
            (
                "dataset budget",
                String(
                    format: "'%@': epsilon %.4g, delta %.3g", report.dataset, report.totalEpsilon, report.totalDelta)
            ),
            ("synthetic data", "\(report.syntheticRows) rows, \(report.hashAlgorithm) \(report.syntheticHash)"),
        ]
        html += "<h2>Privacy guarantee</h2><table>"
        html += rows.map { "<tr><th>\(Page.e($0.0))</th><td>\(Page.e($0.1))</td></tr>" }.joined() + "</table>"
        html += "<h3>Ledger charges of this release</h3>"
        html += "<table><tr><th>#</th><th>time</th><th>mechanism</th><th>cost</th><th>seeded</th></tr>"
        html +=
            report.charges.map {
                "<tr><td>\($0.id)</td><td>\(Page.e($0.time))</td><td>\(Page.e($0.mechanism))</td>"
                    + "<td>\(Page.e($0.cost.description))</td><td>\($0.seeded)</td></tr>"
            }.joined() + "</table>"
        if let gate = report.gate { html += Page.gateSection(gate) }
        html += Page.implementationSection(report.implementation)
        html += Page.proofSection(report.proofs)
        return html + "</body></html>\n"
    }
}
