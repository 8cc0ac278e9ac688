import DPData
import DPReport
import DPTestSupport
import Foundation
import Testing

@testable import DPRelease

/// `dpsynth verify` checks the signature file's own fields, not only the signature bytes.
@Suite struct SignatureFieldTests {
    func signedRelease() throws -> (report: String, publicKey: String) {
        let fixture = try ReleaseFixture()
        try SigningKey.generate().save(to: fixture.folder.appendingPathComponent("keys/release.key").path)
        let outcome = try ReleasePipeline(configPath: fixture.config.path).run()
        return (outcome.reportPath, fixture.publicKey)
    }

    func verify(_ report: String, _ publicKey: String) throws -> CommandRunner.Result {
        try CommandRunner.run(["verify", report, "--public-key", publicKey, "--report-only"])
    }

    /// Replaces one field of the signature file and runs `dpsynth verify`.
    func verifyWith(field: String, value: String, release: (report: String, publicKey: String)) throws
        -> CommandRunner.Result
    {
        let path = release.report + ".sig"
        let original = try Data(contentsOf: URL(fileURLWithPath: path))
        defer { try? original.write(to: URL(fileURLWithPath: path)) }
        var object = try JSONSerialization.jsonObject(with: original) as! [String: Any]
        object[field] = value
        try JSONSerialization.data(withJSONObject: object).write(to: URL(fileURLWithPath: path))
        return try verify(release.report, release.publicKey)
    }

    @Test func eachFieldOfTheSignatureFileIsChecked() throws {
        let release = try signedRelease()
        #expect(try verify(release.report, release.publicKey).status == 0)
        let algorithm = try verifyWith(field: "algorithm", value: "none", release: release)
        #expect(algorithm.status != 0 && algorithm.standardError.contains("algorithm:"), "\(algorithm.standardError)")
        let fingerprint = try verifyWith(field: "keyFingerprint", value: "0000000000000000", release: release)
        #expect(
            fingerprint.status != 0 && fingerprint.standardError.contains("keyFingerprint:"),
            "\(fingerprint.standardError)")
        let hash = try verifyWith(field: "reportHash", value: String(repeating: "a", count: 64), release: release)
        #expect(hash.status != 0 && hash.standardError.contains("reportHash:"), "\(hash.standardError)")
        #expect(try verify(release.report, release.publicKey).status == 0)
    }

    @Test func secretKeysAreOwnerOnlyWhateverTheUmask() throws {
        let folder = try CommandRunner.temporaryDirectory()
        let previous = umask(0)
        defer { umask(previous) }
        let path = folder.appendingPathComponent("k.key").path
        try SigningKey.generate().save(to: path)
        var status = stat()
        #expect(stat(path, &status) == 0)
        #expect(status.st_mode & 0o777 == 0o600)
        try AtomicFile.write(Data("x".utf8), to: folder.appendingPathComponent("plain").path, mode: 0o600)
        #expect(stat(folder.appendingPathComponent("plain").path, &status) == 0 && status.st_mode & 0o777 == 0o600)
    }
}
