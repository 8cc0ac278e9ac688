import DPTestSupport
import Foundation
import Testing

@testable import DPData
@testable import DPReport

/// A signature as a release writes it is what `KeptFile` keeps: the two agree on how one begins.
@Suite struct SignatureKeptTests {
    @Test func aWrittenSignatureIsAKeptFileAndSoIsItsReport() throws {
        let folder = try CommandRunner.temporaryDirectory()
        let report = folder.appendingPathComponent("report.json").path
        _ = try ReportSignature.write(["format": "x"], to: report, key: SigningKey.generate())
        let signature = try Data(contentsOf: URL(fileURLWithPath: report + ".sig"))
        #expect(signature.starts(with: KeptFile.signatureStart), "\(String(decoding: signature, as: UTF8.self))")
        #expect(KeptFile.of(report) == .signedReport && KeptFile.of(report + ".sig") == .signedReport)
        // Written again only where the writer may replace a signed report.
        #expect(throws: DataError.self) {
            try ReportSignature.write(["format": "y"], to: report, key: SigningKey.generate())
        }
        _ = try ReportSignature.write(["format": "y"], to: report, key: SigningKey.generate(), replacing: .signedReport)
    }
}
