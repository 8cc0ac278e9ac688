import DPTestSupport
import Foundation
import Testing

@Suite struct AuditCommandTests {
    /// The audit's column options are usage errors (64) before any row is read: a secret the schema
    /// lacks, a column named twice, and a quasi list that is the secret alone, which ran an
    /// attacker who knows every column.
    @Test func theAuditsColumnOptionsAreCheckedBeforeAnyRowIsRead() throws {
        let (data, schema, folder) = try SynthesizeCommandTests().toyFiles()
        let missing = folder.appendingPathComponent("missing.csv").path
        let out = folder.appendingPathComponent("audit.json").path
        for (options, message) in [
            (["--secret", "nosuch"], "--secret: 'nosuch' is not an encoded column"),
            (["--secret", "flag", "--quasi", "age,nosuch"], "--quasi: 'nosuch' is not an encoded column"),
            (["--secret", "flag", "--secret", "flag"], "--secret: 'flag' is named twice"),
            (["--secret", "flag", "--quasi", "flag"], "--quasi names only 'flag'"),
            (["--epsilon", "-1"], "--epsilon must be a positive number"),
        ] {
            let result = try CommandRunner.run(
                ["audit", "--train", missing, "--holdout", data, "--synthetic", data, "--schema", schema, "--out", out]
                    + options)
            #expect(result.status == 64 && result.standardError.contains(message), "\(options): \(result)")
            #expect(!FileManager.default.fileExists(atPath: out))
        }
    }
}
