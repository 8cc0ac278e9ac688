import DPAudit
import DPReport
import DPTestSupport
import Foundation
import Testing

@testable import DPRelease

/// The report's implementation check: the latest `dp-audit` result for the release's method,
/// from a file the config names or from the table published with this version, shown apart from
/// the release's own figures; a file of another method is refused before anything is charged.
@Suite struct ImplementationAuditTests {
    func fixture(dpAudit: ImplementationAudit?) throws -> ReleaseFixture {
        let fixture = try ReleaseFixture()
        try SigningKey.generate().save(to: fixture.folder.appendingPathComponent("keys/release.key").path)
        if let dpAudit {
            try dpAudit.snakeCaseJSON().write(to: fixture.folder.appendingPathComponent("audit.json"))
            let text = try String(contentsOf: fixture.config, encoding: .utf8)
                .replacingOccurrences(of: "audit: {secrets:", with: "audit: {dp_audit: audit.json, secrets:")
            try text.write(to: fixture.config, atomically: true, encoding: .utf8)
        }
        return fixture
    }

    /// The fixture's release runs MST with 200 iterations, at epsilon 0.95 (1 less the gate's 0.05).
    static let fixtureSettings = ["iterations": "200"]

    static func result(
        method: String, correct: Int = 101, epsilonLowerBound: Double = 0, claimedEpsilon: Double = 0.95,
        settings: [String: String]? = fixtureSettings
    ) -> ImplementationAudit {
        ImplementationAudit(
            method: method, claimedEpsilon: claimedEpsilon, delta: 1e-9, canaries: 1000, guesses: 200, correct: correct,
            confidence: 0.95, epsilonLowerBound: epsilonLowerBound, controlCorrect: 200,
            controlEpsilonLowerBound: 4.19, data: "public.csv", settings: settings)
    }

    static func implementationItem(_ report: ComplianceReport) -> Checklist.Item? {
        report.checklists.flatMap(\.items).first { $0.requirement.hasPrefix("Implementation audited") }
    }

    /// A dp-audit result whose bound exceeds its claim is evidence that the build spends more than
    /// it says: the release stops before it reads a row or charges anything.
    @Test func aDPAuditFileThatExceedsItsClaimRefusesTheReleaseBeforeAnyCharge() throws {
        let fixture = try fixture(dpAudit: Self.result(method: "mst", correct: 186, epsilonLowerBound: 2.12))
        do {
            _ = try ReleasePipeline(configPath: fixture.config.path).run()
            Issue.record("a release ran beside a dp-audit result that exceeds its claim")
        } catch {
            #expect("\(error)".contains("FAIL: epsilon >= 2.120"), "\(error)")
            #expect("\(error)".contains("Nothing was read or charged"), "\(error)")
        }
        #expect(
            !FileManager.default.fileExists(atPath: fixture.folder.appendingPathComponent("out/ledger.sqlite").path))
    }

    /// The verdict and the label a report prints are this version's, computed from the file's
    /// figures: a file that calls a failed audit a pass, or its figures public, is not believed.
    @Test func aLoadedResultTakesThisVersionsVerdictAndLabel() throws {
        let folder = try ReleaseFixture().folder
        let path = folder.appendingPathComponent("edited.json").path
        var object =
            try JSONSerialization.jsonObject(
                with: Self.result(method: "mst", correct: 186, epsilonLowerBound: 2.12).snakeCaseJSON())
            as! [String: Any]
        object["verdict"] = "no evidence against the claim"
        object["note"] = "public figures, nothing to see"
        try JSONSerialization.data(withJSONObject: object).write(to: URL(fileURLWithPath: path))
        let loaded = try ImplementationAudit.load(path: path, method: "mst", key: "audit.dp_audit")
        #expect(loaded.verdict == .claimExceeded)
        #expect(loaded.note == ImplementationAudit.note)
        #expect(loaded.statement.hasPrefix("FAIL"))
    }

    /// The verdict's three cases and their edges: a bound equal to the claim is no evidence
    /// against it; a control equal to the claim could not have caught anything.
    @Test func theVerdictReadsTheBoundAndTheControlAgainstTheClaim() {
        typealias Verdict = ImplementationAuditVerdict
        #expect(Verdict(claimedEpsilon: 1, epsilonLowerBound: 1.001, controlEpsilonLowerBound: 4) == .claimExceeded)
        #expect(
            Verdict(claimedEpsilon: 1, epsilonLowerBound: 1, controlEpsilonLowerBound: 4) == .noEvidenceAgainstClaim)
        #expect(Verdict(claimedEpsilon: 1, epsilonLowerBound: 0, controlEpsilonLowerBound: 1) == .inconclusive)
        #expect(Verdict(claimedEpsilon: 5, epsilonLowerBound: 0, controlEpsilonLowerBound: 4.19) == .inconclusive)
        #expect(Verdict(claimedEpsilon: 5, epsilonLowerBound: 5.5, controlEpsilonLowerBound: 4.19) == .claimExceeded)
    }

    /// The published audits ran the methods' defaults; the fixture's release runs 200 iterations,
    /// so the published entry is shown with that difference and does not count in the checklist.
    @Test func aReleaseShowsThePublishedAuditOfItsMethod() throws {
        let outcome = try ReleasePipeline(configPath: try fixture(dpAudit: nil).config.path).run()
        let check = try #require(outcome.report.implementationAudit)
        #expect(check.method == "mst" && check.claimedEpsilon == 1 && check.verdict == .noEvidenceAgainstClaim)
        #expect(check.source?.contains("published with dpsynth") == true)
        let difference = "audited with iterations at the method's default; this release uses 200"
        #expect(
            check.scope == ["audited at a claimed epsilon of 1; this release's generator runs at 0.95", difference])
        let html = HTMLReport.render(outcome.report)
        #expect(html.contains("Implementation check: one-run canary audit of mst"))
        #expect(html.contains("no evidence against the claim") && html.contains("not demonstrated"))
        #expect(html.contains("audited with iterations at the method"))
        let markdown = MarkdownSummary.render(outcome.report)
        #expect(markdown.contains("Implementation check") && markdown.contains("no evidence against the claimed 1"))
        #expect(markdown.contains("power against mst itself is not demonstrated"), "\(markdown)")
        #expect(markdown.contains(difference), "\(markdown)")
        let item = Self.implementationItem(outcome.report)
        #expect(
            item?.status == .notAssessed && item?.evidence.contains(difference) == true, "\(String(describing: item))")
    }

    /// An audit counts for a release only when it ran what the release runs: the same settings
    /// (met), other ones (not assessed, the difference named), or settings it did not record.
    @Test func anAuditCountsOnlyForTheSettingsItRan() throws {
        let same = try ReleasePipeline(configPath: try fixture(dpAudit: Self.result(method: "mst")).config.path)
            .run()
        var expected = Self.result(method: "mst")
        expected.source = "file audit.json"
        expected.scope = []
        #expect(same.report.implementationAudit == expected)
        #expect(Self.implementationItem(same.report)?.status == .met)
        let other = try ReleasePipeline(
            configPath: try fixture(dpAudit: Self.result(method: "mst", settings: ["iterations": "5000"])).config.path
        ).run()
        #expect(
            other.report.implementationAudit?.scope == ["audited with iterations 5000; this release uses 200"])
        #expect(Self.implementationItem(other.report)?.status == .notAssessed)
        let unrecorded = try ReleasePipeline(
            configPath: try fixture(dpAudit: Self.result(method: "mst", settings: nil)).config.path
        ).run()
        #expect(unrecorded.report.implementationAudit?.scope == ["the audit did not record its generator settings"])
        #expect(Self.implementationItem(unrecorded.report)?.status == .notAssessed)
        // The generator runs at the synthesis's share: an audit at the release's whole epsilon
        // claims more than the generator spends, and is not the release's run.
        let whole = try ReleasePipeline(
            configPath: try fixture(dpAudit: Self.result(method: "mst", claimedEpsilon: 1)).config.path
        ).run()
        #expect(
            whole.report.implementationAudit?.scope == [
                "audited at a claimed epsilon of 1; this release's generator runs at 0.95"
            ])
        #expect(Self.implementationItem(whole.report)?.status == .notAssessed)
    }

    @Test func aDPAuditFileOfAnotherMethodIsRefusedBeforeAnyCharge() throws {
        let fixture = try fixture(dpAudit: Self.result(method: "aim"))
        do {
            _ = try ReleasePipeline(configPath: fixture.config.path).run()
            Issue.record("a release showing another method's audit ran")
        } catch {
            #expect("\(error)".contains("audits aim, but this release uses mst"), "\(error)")
        }
        #expect(
            !FileManager.default.fileExists(atPath: fixture.folder.appendingPathComponent("out/ledger.sqlite").path))
    }

    /// Every method a release can use has a published entry, and the entry nearest the release's
    /// epsilon is chosen.
    @Test func everyMethodHasAPublishedAudit() throws {
        for method in ["mst", "aim", "independent", "dp-tvae", "dp-ctgan"] {
            #expect(ImplementationAudit.published(method: method, epsilon: 1)?.claimedEpsilon == 1, "\(method)")
            #expect(ImplementationAudit.published(method: method, epsilon: 3)?.claimedEpsilon == 4, "\(method)")
        }
    }
}

/// Names reach the Markdown summary inside attack names and reasons: none can forge a line or
/// carry HTML into a viewer (found by a hostile pass: a secret column named with a line break and
/// an <img onerror> tag did both).
@Suite struct MarkdownEscapingTests {
    @Test func namesCannotForgeLinesOrHTML() {
        let escaped = MarkdownSummary.escaped("x\n# DPSynth release: release <img src=x onerror=alert(1)> & y\r\n# z")
        #expect(!escaped.unicodeScalars.contains { $0 == "\n" || $0 == "\r" }, "\(escaped)")
        #expect(!escaped.contains("<") && !escaped.contains(">"), "\(escaped)")
        #expect(escaped.contains("&lt;img") && escaped.contains("&amp; y"))
    }
}
