import DPReport
import DPTestSupport
import Foundation
import Testing

@testable import DPRelease

/// `dpsynth verify` given options that cannot both hold, or a report no release writes.
@Suite struct VerifyInputTests {
    static func signedRelease() throws -> (report: String, publicKey: String, folder: URL) {
        let fixture = try ReleaseFixture()
        try SigningKey.generate().save(to: fixture.folder.appendingPathComponent("keys/release.key").path)
        let outcome = try ReleasePipeline(configPath: fixture.config.path).run()
        return (outcome.reportPath, fixture.publicKey, fixture.folder)
    }

    /// A rendering records no hash of the data, so `--data` beside it is a usage error (64), not
    /// an altered report (3); `--report-only` with `--data` asks for two things at once.
    @Test func optionsThatCannotBothHoldAreUsageErrors() throws {
        let release = try Self.signedRelease()
        let data = release.folder.appendingPathComponent("out/synthetic.csv").path
        let html = release.report.replacingOccurrences(of: ".json", with: ".html")
        let rendering = try CommandRunner.run(["verify", html, "--public-key", release.publicKey, "--data", data])
        #expect(rendering.status == 64 && rendering.standardError.contains("a rendering"), "\(rendering)")
        let both = try CommandRunner.run([
            "verify", release.report, "--public-key", release.publicKey, "--report-only", "--data", data,
        ])
        #expect(both.status == 64 && both.standardError.contains("--report-only"), "\(both)")
    }

    /// A report larger than any release writes is refused before it is read, with the exit
    /// status of a file that cannot be read.
    @Test func aReportLargerThanAnyReleaseWritesIsRefusedUnread() throws {
        let release = try Self.signedRelease()
        let huge = release.folder.appendingPathComponent("huge.json").path
        #expect(FileManager.default.createFile(atPath: huge, contents: Data("{".utf8)))
        let handle = try #require(FileHandle(forWritingAtPath: huge))
        try handle.truncate(atOffset: UInt64(ReportSignature.largestFileBytes) + 1)
        try handle.close()
        try FileManager.default.copyItem(atPath: release.report + ".sig", toPath: huge + ".sig")
        let result = try CommandRunner.run(["verify", huge, "--public-key", release.publicKey, "--report-only"])
        #expect(result.status == 1 && result.standardError.contains("larger than any report"), "\(result)")
    }
}
