import DPTestSupport
import Foundation
import Testing

/// A value planted in the training data, in a column whose public categories do not include it,
/// must appear in no output: not the synthetic rows, the report, its summaries or the logs.
@Suite struct LeakageTests {
    @Test func plantedValueAppearsInNoOutput() throws {
        let planted = "Zq7-PLANTED-unique-8841"
        let fixture = try ReleaseFixture(plant: planted)
        let keys = try CommandRunner.run([
            "keys", "generate", "--out", fixture.folder.appendingPathComponent("keys/release.key").path,
        ])
        #expect(keys.status == 0, "\(keys.standardError)")
        let release = try CommandRunner.run(["release", "--config", fixture.config.path])
        #expect(release.status == 0 || release.status == 3, "\(release.standardError)")
        #expect(!release.standardOutput.contains(planted) && !release.standardError.contains(planted))
        let outputs = FileManager.default.enumerator(
            at: fixture.folder.appendingPathComponent("out"), includingPropertiesForKeys: nil)!
        var checked = 0
        for case let file as URL in outputs where !file.hasDirectoryPath {
            let bytes = try Data(contentsOf: file)
            #expect(bytes.range(of: Data(planted.utf8)) == nil, "\(file.lastPathComponent) contains the planted value")
            checked += 1
        }
        // synthetic.csv, ledger, report .json/.sig/.html/.md and the saved model at least.
        #expect(checked >= 7)
        // A quarantined release keeps its rows in the quarantine folder.
        let synthetic =
            release.status == 0 ? fixture.out : (fixture.quarantine as NSString).appendingPathComponent("synthetic.csv")
        let audit = try CommandRunner.run([
            "audit", "--train", fixture.folder.appendingPathComponent("train.csv").path,
            "--holdout", fixture.folder.appendingPathComponent("holdout.csv").path,
            "--synthetic", synthetic, "--schema", fixture.folder.appendingPathComponent("schema.yaml").path,
            "--secret", "outcome", "--quasi", "age,region", "--seed", "1",
            "--out", fixture.folder.appendingPathComponent("out/audit.json").path,
        ])
        #expect(audit.status == 0 || audit.status == 3, "\(audit.standardError)")
        #expect(!audit.standardOutput.contains(planted) && !audit.standardError.contains(planted))
        let auditJSON = try Data(contentsOf: fixture.folder.appendingPathComponent("out/audit.json"))
        #expect(auditJSON.range(of: Data(planted.utf8)) == nil)
    }

    /// The same value in a column that refuses undeclared categories: the release stops with an
    /// error that names the file, line and column, but not the value.
    @Test func refusedValueIsNamedByPlaceNotContent() throws {
        let planted = "Zq7-PLANTED-unique-8841"
        let fixture = try ReleaseFixture(plant: planted, plantField: 3)
        _ = try CommandRunner.run([
            "keys", "generate", "--out", fixture.folder.appendingPathComponent("keys/release.key").path,
        ])
        let release = try CommandRunner.run(["release", "--config", fixture.config.path])
        #expect(release.status != 0 && release.status != 3)
        #expect(
            release.standardError.contains("train.csv") && release.standardError.contains("1236")
                && release.standardError.contains("job"),
            "\(release.standardError)")
        #expect(!release.standardOutput.contains(planted) && !release.standardError.contains(planted))
        #expect(release.standardError.contains("confidential: this error describes the private rows"))
    }
}
