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
        html += "<h2>Privacy guarantee</h2>"
        html += Page.table(
            Page.guaranteeRows(
                epsilon: guarantee.epsilon, delta: guarantee.delta, unit: guarantee.unitOfPrivacy,
                relation: guarantee.neighbouringRelation, mechanism: guarantee.mechanism,
                accountant: guarantee.accountant, rho: guarantee.rho, randomness: guarantee.randomness)
                + [
                    ("method", report.method),
                    (
                        "dataset budget",
                        String(
                            format: "'%@': epsilon %.4g, delta %.3g", report.dataset, report.totalEpsilon,
                            report.totalDelta)
                    ),
                    ("synthetic data", "\(report.syntheticRows) rows, \(report.hashAlgorithm) \(report.syntheticHash)"),
                ])
        html += "<h3>Ledger charges of this release</h3>"
        html += Page.chargeTable(report.charges.map { ($0.id, $0.time, $0.mechanism, $0.cost, $0.seeded) })
        if let gate = report.gate { html += Page.gateSection(gate) }
        html += Page.implementationSection(report.implementation)
        html += Page.proofSection(report.proofs)
        return html + "</body></html>\n"
    }
}
