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

    static func result(method: String) -> ImplementationAudit {
        ImplementationAudit(
            method: method, claimedEpsilon: 1, delta: 1e-9, canaries: 1000, guesses: 200, correct: 101,
            confidence: 0.95, epsilonLowerBound: 0, controlCorrect: 200, controlEpsilonLowerBound: 4.19,
            data: "public.csv")
    }

    @Test func aReleaseShowsThePublishedAuditOfItsMethod() throws {
        let outcome = try ReleasePipeline(configPath: try fixture(dpAudit: nil).config.path).run()
        let check = try #require(outcome.report.implementationAudit)
        #expect(check.method == "mst" && check.claimedEpsilon == 1 && check.consistentWithClaim)
        #expect(check.source?.contains("published with dpsynth") == true)
        #expect(HTMLReport.render(outcome.report).contains("Implementation check: one-run canary audit of mst"))
        #expect(MarkdownSummary.render(outcome.report).contains("Implementation check"))
    }

    @Test func aDPAuditFileOfTheMethodIsShownWithItsSource() throws {
        let outcome = try ReleasePipeline(configPath: try fixture(dpAudit: Self.result(method: "mst")).config.path)
            .run()
        var expected = Self.result(method: "mst")
        expected.source = "file audit.json"
        #expect(outcome.report.implementationAudit == expected)
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
