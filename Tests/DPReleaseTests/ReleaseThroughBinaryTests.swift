import DPReport
import DPTestSupport
import Foundation
import Testing

/// The release's promise checked through the `dpsynth` binary, where the gaps were found: the
/// exit status and the output folder follow the DP gate, a rerun pays a new gate evaluation, a
/// model copied into the state folder is not trusted, and a seeded run is never released.
@Suite struct ReleaseThroughBinaryTests {
    struct Run {
        let result: CommandRunner.Result
        let report: [String: Any]
        var gate: [String: Any] { report["gate"] as? [String: Any] ?? [:] }
        var privacy: [String: Any] { report["privacy"] as? [String: Any] ?? [:] }
        var epsilon: Double { privacy["epsilon"] as? Double ?? .nan }
        var charges: [[String: Any]] {
            (privacy["ledger"] as? [String: Any])?["charges"] as? [[String: Any]] ?? []
        }
        var outcome: String? { (report["decision"] as? [String: Any])?["outcome"] as? String }
    }

    func release(_ fixture: ReleaseFixture) throws -> Run {
        let result = try CommandRunner.run(["release", "--config", fixture.config.path])
        let bytes = try Data(contentsOf: URL(fileURLWithPath: fixture.report + ".json"))
        let report = try JSONSerialization.jsonObject(with: bytes) as? [String: Any] ?? [:]
        return Run(result: result, report: report)
    }

    func generateKey(_ fixture: ReleaseFixture) throws {
        let keys = try CommandRunner.run([
            "keys", "generate", "--out", fixture.folder.appendingPathComponent("keys/release.key").path,
        ])
        #expect(keys.status == 0, "\(keys)")
    }

    /// Gaps 1 and 2: the exit status and where the rows go follow the gate's noisy decision; a
    /// rerun of the same config reuses the bound model, pays one more gate charge, and its report
    /// counts two evaluations and an epsilon grown by the gate's share.
    @Test func aRerunThroughTheBinaryPaysANewGateEvaluation() throws {
        let fixture = try ReleaseFixture(seed: nil)
        try generateKey(fixture)
        let first = try release(fixture)
        let second = try release(fixture)
        for run in [first, second] {
            #expect(run.result.status == 0 || run.result.status == 3, "\(run.result)")
            #expect(run.outcome == (run.result.status == 0 ? "release" : "quarantine"))
            #expect((run.gate["passed"] as? Bool) == (run.result.status == 0), "the gate alone decides")
        }
        #expect(!first.result.standardOutput.contains("reused the model"))
        #expect(second.result.standardOutput.contains("reused the model"), "\(second.result)")
        #expect(first.gate["evaluations"] as? Int == 1 && second.gate["evaluations"] as? Int == 2)
        // The confidential report says which of its figures are computed on the real data.
        #expect((first.report["notice"] as? String)?.contains("CONFIDENTIAL") == true)
        #expect(second.charges.count == first.charges.count + 1)
        #expect(second.charges.last?["mechanism"] as? String == "release-gate")
        #expect(abs(first.epsilon - 1) < 1e-6, "\(first.epsilon)")
        #expect(abs(second.epsilon - first.epsilon - 0.05) < 1e-9, "\(second.epsilon)")
        let verified = try CommandRunner.run([
            "verify", fixture.report + ".json", "--public-key", fixture.publicKey,
        ])
        #expect(verified.status == 0, "\(verified)")
    }

    /// A signed report and its signature are replaced by a release alone (which replaces its own
    /// on a rerun): an `evaluate` or `audit` `--out` that named one replaced it, and the release
    /// could no longer be verified. Refused before a row is read: the training file named here
    /// is missing, whose error would come first.
    @Test func aSignedReportIsReplacedByNoOutputButARelease() throws {
        let fixture = try ReleaseFixture()
        try generateKey(fixture)
        #expect(try release(fixture).result.status == 3, "seeded: quarantined")
        let tables = [
            "--train", fixture.folder.appendingPathComponent("missing.csv").path, "--holdout",
            fixture.folder.appendingPathComponent("holdout.csv").path, "--synthetic",
            fixture.quarantine + "/synthetic.csv", "--schema",
            fixture.folder.appendingPathComponent("schema.yaml").path,
        ]
        for report in [fixture.report + ".json", fixture.report + ".json.sig", fixture.report + ".public.html"] {
            let before = try Data(contentsOf: URL(fileURLWithPath: report))
            for command in [["evaluate"], ["audit", "--secret", "outcome"]] {
                let result = try CommandRunner.run(command + tables + ["--seed", "1", "--out", report])
                #expect(
                    result.status == 1 && result.standardError.contains("a signed report or its signature"),
                    "\(command) \(report): \(result)")
                #expect(try Data(contentsOf: URL(fileURLWithPath: report)) == before, "\(report) was replaced")
            }
        }
        #expect(try release(fixture).result.status == 3, "a rerun replaces its own signed reports")
        let verified = try CommandRunner.run(["verify", fixture.report + ".json", "--public-key", fixture.publicKey])
        #expect(verified.status == 0, "\(verified)")
    }

    /// Every report file a reader relies on is signed, the HTML and Markdown renderings as well as
    /// the JSON: an edited public page fails `verify` (a helper's pass changed its decision and
    /// guarantee, and only the JSON's signature was checked).
    @Test func everyRenderingIsSignedAndAnEditFailsVerify() throws {
        let fixture = try ReleaseFixture()
        try generateKey(fixture)
        #expect(try release(fixture).result.status == 3, "seeded: quarantined")
        for suffix in [".html", ".md", ".public.html"] {
            let rendering = fixture.report + suffix
            let intact = try CommandRunner.run(["verify", rendering, "--public-key", fixture.publicKey])
            #expect(intact.status == 0 && intact.standardOutput.contains("a rendering"), "\(suffix): \(intact)")
        }
        let page = fixture.report + ".public.html"
        let text = try String(contentsOfFile: page, encoding: .utf8)
        try text.replacingOccurrences(of: "quarantine", with: "release").write(
            toFile: page, atomically: true, encoding: .utf8)
        let edited = try CommandRunner.run(["verify", page, "--public-key", fixture.publicKey])
        // A check that ran and failed exits 3, as a failed audit or ledger check does (it exited 1,
        // like a file that could not be read).
        #expect(edited.status == 3 && edited.standardError.contains("changed"), "\(edited)")
        // A signed JSON this build cannot read as a report is no rendering: its data must be found.
        let other = fixture.folder.appendingPathComponent("other.json").path
        _ = try ReportSignature.write(
            ["format": "dpsynth-report/0"], to: other,
            key: try SigningKey.load(secretKeyFile: fixture.folder.appendingPathComponent("keys/release.key").path))
        let unread = try CommandRunner.run(["verify", other, "--public-key", fixture.publicKey])
        #expect(unread.status == 1 && !unread.standardOutput.contains("a rendering"), "\(unread)")
    }

    /// `verify` exits 0 only when the synthetic file the report speaks for is intact: the path a
    /// confidential report recorded, or the file of the report's name beside a public report;
    /// none found is a failure unless `--report-only`. Found by a hostile pass: a public report
    /// verified with its data changed beside it.
    @Test func verifyChecksTheSyntheticFileTheReportNames() throws {
        let fixture = try ReleaseFixture()
        try generateKey(fixture)
        #expect(try release(fixture).result.status == 3, "seeded: quarantined")
        func verify(_ report: String, _ extra: [String] = []) throws -> CommandRunner.Result {
            try CommandRunner.run(["verify", report, "--public-key", fixture.publicKey] + extra)
        }
        let quarantined = fixture.quarantine + "/synthetic.csv"
        let confidential = try verify(fixture.report + ".json")
        #expect(confidential.status == 0 && confidential.standardOutput.contains(quarantined), "\(confidential)")
        // The public report where the release wrote it finds the rows in the quarantine folder
        // beside it (it exited 1, having looked beside the report only).
        let beside = try verify(fixture.report + ".public.json")
        #expect(beside.status == 0 && beside.standardOutput.contains(quarantined), "\(beside)")
        // The public report and its data, published together in another folder.
        let published = fixture.folder.appendingPathComponent("published")
        try FileManager.default.createDirectory(at: published, withIntermediateDirectories: true)
        for name in ["report.public.json", "report.public.json.sig"] {
            try FileManager.default.copyItem(
                atPath: fixture.folder.appendingPathComponent("out/\(name)").path,
                toPath: published.appendingPathComponent(name).path)
        }
        let report = published.appendingPathComponent("report.public.json").path
        let copy = published.appendingPathComponent("synthetic.csv").path
        let missing = try verify(report)
        #expect(missing.status == 1 && missing.standardError.contains("was not found"), "\(missing)")
        #expect(try verify(report, ["--report-only"]).status == 0)
        try FileManager.default.copyItem(atPath: quarantined, toPath: copy)
        // Intact, and said to be quarantined (a helper's pass: the line read as a release).
        let intact = try verify(report)
        #expect(intact.status == 0 && intact.standardOutput.contains("QUARANTINED"), "\(intact)")
        // A folder or a pipe given as the data is refused in one line, not read for ever.
        let fifo = published.appendingPathComponent("pipe").path
        #expect(mkfifo(fifo, 0o600) == 0)
        for odd in [published.path, fifo] {
            let refused = try verify(report, ["--data", odd])
            #expect(refused.status == 1 && refused.standardError.contains("not a regular file"), "\(refused)")
        }
        for changed in [copy, quarantined] {
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: changed))
            try handle.seekToEnd()
            try handle.write(contentsOf: Data("1,2,3\n".utf8))
            try handle.close()
        }
        let publicChanged = try verify(report)
        #expect(publicChanged.status == 3 && publicChanged.standardError.contains("the data was changed"))
        let confidentialChanged = try verify(fixture.report + ".json")
        #expect(
            confidentialChanged.status == 3 && confidentialChanged.standardError.contains("the data was changed"))
        // A released confidential report copied with its rows speaks for both files (found by a
        // review: the untouched original vouched for a changed copy); a quarantined one for the
        // recorded file alone.
        let text = try String(contentsOfFile: fixture.report + ".json", encoding: .utf8)
        let released = text.replacingOccurrences(of: "\"outcome\" : \"quarantine\"", with: "\"outcome\" : \"release\"")
        #expect(released != text)
        let copied = published.appendingPathComponent("report.json").path
        #expect(
            ReportedSyntheticFile.locate(report: Data(released.utf8), reportPath: copied).paths == [quarantined, copy])
        #expect(ReportedSyntheticFile.locate(report: Data(text.utf8), reportPath: copied).paths == [quarantined])
    }

    /// Gap 4: a model fitted at epsilon 100 copied over the saved one is not reused: the release
    /// refuses it before any charge (it refitted and paid, unannounced); once it is removed the
    /// release refits and pays, and its signed report shows what the ledger paid, not 100 and not
    /// the copied file's own figures.
    @Test func aModelCopiedIntoTheStateFolderIsNotTrusted() throws {
        let fixture = try ReleaseFixture()
        try generateKey(fixture)
        let first = try release(fixture)
        #expect(first.result.status == 3, "seeded: quarantined \(first.result)")
        let state = fixture.folder.appendingPathComponent("out/.dpsynth-state")
        let saved = try FileManager.default.contentsOfDirectory(atPath: state.path).filter { $0.hasPrefix("model-") }
        try #require(saved.count == 1)
        let expensive = fixture.folder.appendingPathComponent("expensive.json").path
        let fitted = try CommandRunner.run([
            "synthesize", "--method", "mst", "--data", fixture.folder.appendingPathComponent("train.csv").path,
            "--schema", fixture.folder.appendingPathComponent("schema.yaml").path, "--epsilon", "100",
            "--rows", "10", "--out", fixture.folder.appendingPathComponent("expensive.csv").path,
            "--ledger", fixture.folder.appendingPathComponent("other.sqlite").path, "--init-budget",
            "--model-out", expensive, "--seed", "5",
        ])
        #expect(fitted.status == 0, "\(fitted)")
        try FileManager.default.removeItem(at: state.appendingPathComponent(saved[0]))
        try FileManager.default.copyItem(atPath: expensive, toPath: state.appendingPathComponent(saved[0]).path)
        let refused = try CommandRunner.run(["release", "--config", fixture.config.path])
        #expect(
            refused.status == 1 && refused.standardError.contains("not one the ledger paid for")
                && refused.standardError.contains("Nothing was charged"), "\(refused)")
        try FileManager.default.removeItem(at: state.appendingPathComponent(saved[0]))
        let second = try release(fixture)
        #expect(!second.result.standardOutput.contains("reused the model"), "\(second.result)")
        #expect(second.epsilon < 1.2, "the report's epsilon comes from the ledger: \(second.epsilon)")
        let rho = second.privacy["rho"] as? Double ?? .nan
        #expect(rho < 1, "\(rho)")
        #expect(second.charges.count > first.charges.count + 1, "the refit was charged")
    }

    /// Gap 5: a seeded run exits 3, writes nothing to `out`, and no output, report or log holds
    /// the seed's value.
    @Test func aSeededRunIsQuarantinedAndItsSeedAppearsNowhere() throws {
        let seed: UInt64 = 8_675_309_123_457
        let fixture = try ReleaseFixture(seed: seed)
        try generateKey(fixture)
        let run = try release(fixture)
        #expect(run.result.status == 3, "\(run.result)")
        #expect(!FileManager.default.fileExists(atPath: fixture.out))
        #expect((run.result.standardOutput + run.result.standardError).contains("SEEDED"))
        // Seeded noise can be drawn again from the seed: the summary claims no guarantee.
        #expect(run.result.standardOutput.contains("privacy: none: a SEEDED run"), "\(run.result)")
        #expect(!run.result.standardOutput.contains("-DP"), "\(run.result)")
        #expect(!(run.result.standardOutput + run.result.standardError).contains("\(seed)"))
        let outputs = FileManager.default.enumerator(
            at: fixture.folder.appendingPathComponent("out"), includingPropertiesForKeys: nil)!
        for case let file as URL in outputs where !file.hasDirectoryPath {
            let bytes = try Data(contentsOf: file)
            #expect(bytes.range(of: Data("\(seed)".utf8)) == nil, "\(file.lastPathComponent) holds the seed")
        }
    }
}
