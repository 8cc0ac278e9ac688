import DPTestSupport
import Foundation
import Testing

@testable import DPData

/// What makes a file one no output replaces (`KeptFile`), for signed reports.
@Suite struct KeptFileTests {
    /// A signature, the report beside it, and that report reached through a link (which an
    /// output replaces the target of) are signed reports; a `.sig` that is a folder or a pipe
    /// makes nothing kept, and is not opened.
    @Test func aSignedReportIsKeptThroughALinkAndAnOddSignatureKeepsNothing() throws {
        let folder = try CommandRunner.temporaryDirectory()
        func path(_ name: String) -> String { folder.appendingPathComponent(name).path }
        try Data("{}".utf8).write(to: URL(fileURLWithPath: path("report.json")))
        try (KeptFile.signatureStart + Data(" \"x\"\n}".utf8)).write(to: URL(fileURLWithPath: path("report.json.sig")))
        try FileManager.default.createSymbolicLink(
            atPath: path("latest.json"), withDestinationPath: path("report.json"))
        #expect(KeptFile.of(path("report.json.sig")) == .signedReport)
        #expect(KeptFile.of(path("report.json")) == .signedReport)
        #expect(KeptFile.of(path("latest.json")) == .signedReport)
        #expect(throws: DataError.self) { try KeptFile.refuseReplacing(path("latest.json"), name: "--out") }
        try KeptFile.refuseReplacing(path("latest.json"), name: "--out", allowed: .signedReport)

        try Data("{}".utf8).write(to: URL(fileURLWithPath: path("a.json")))
        try FileManager.default.createDirectory(atPath: path("a.json.sig"), withIntermediateDirectories: false)
        try Data("{}".utf8).write(to: URL(fileURLWithPath: path("b.json")))
        #expect(mkfifo(path("b.json.sig"), 0o600) == 0)
        #expect(KeptFile.of(path("a.json")) == nil)
        #expect(KeptFile.of(path("b.json")) == nil)
    }
}
