import DPAudit
import DPTestSupport
import Foundation
import Testing

@Suite struct SynthesizeCommandTests {
    func toyFiles() throws -> (data: String, schema: String, folder: URL) {
        let folder = try CommandRunner.temporaryDirectory()
        let data = folder.appendingPathComponent("toy.csv").path
        let rows = (0..<400).map { index in
            "\(20 + index % 50),\(index % 3 == 0 ? "a" : "b"),\(index % 7 == 0 ? "yes" : "no")"
        }
        try ("age,group,flag\n" + rows.joined(separator: "\n") + "\n").write(
            toFile: data, atomically: true, encoding: .utf8)
        let schema = folder.appendingPathComponent("toy.yaml").path
        try """
        name: toy
        columns:
          - {name: age, kind: integer, lower: 18, upper: 90, bins: 8}
          - {name: group, kind: categorical, categories: [a, b]}
          - {name: flag, kind: categorical, categories: ["yes", "no"], missing: error}
        """.write(toFile: schema, atomically: true, encoding: .utf8)
        return (data, schema, folder)
    }

    /// A schema `schema infer` proposed from the private data without noise is refused, before
    /// the ledger is opened, until its review line is deleted: its categories and bounds went into
    /// a model file under a DP label, the warning comment lost (a helper's pass).
    @Test func anUnreviewedProposalIsRefusedUntilItsReviewLineIsDeleted() throws {
        let (data, _, folder) = try toyFiles()
        let proposal = folder.appendingPathComponent("proposal.yaml").path
        let inferred = try CommandRunner.run(["schema", "infer", data, "--out", proposal])
        #expect(inferred.status == 0, "\(inferred)")
        let ledger = folder.appendingPathComponent("l.sqlite").path
        let arguments = [
            "synthesize", "--data", data, "--schema", proposal, "--epsilon", "1", "--rows", "10",
            "--out", folder.appendingPathComponent("s.csv").path, "--ledger", ledger, "--init-budget", "--seed", "1",
        ]
        let refused = try CommandRunner.run(arguments)
        #expect(refused.status == 1 && refused.standardError.contains("'review:' line"), "\(refused)")
        #expect(!FileManager.default.fileExists(atPath: ledger))
        let text = try String(contentsOfFile: proposal, encoding: .utf8)
        try text.split(separator: "\n").filter { !$0.hasPrefix("review:") }.joined(separator: "\n").write(
            toFile: proposal, atomically: true, encoding: .utf8)
        let reviewed = try CommandRunner.run(arguments)
        #expect(reviewed.status == 0, "\(reviewed)")
    }

    /// MST on a table of one column has no pairs to select or measure: its one marginal takes the
    /// whole budget (it measured with a third and left the rest unspent, a helper's pass).
    @Test func mstOnOneColumnSpendsItsWholeBudgetOnThatColumn() throws {
        let folder = try CommandRunner.temporaryDirectory()
        let data = folder.appendingPathComponent("t.csv").path
        try ("a\n" + (0..<300).map { "\($0 % 3)" }.joined(separator: "\n") + "\n").write(
            toFile: data, atomically: true, encoding: .utf8)
        let schema = folder.appendingPathComponent("t.yaml").path
        try "name: t\ncolumns:\n  - {name: a, kind: coded, levels: 3}\n".write(
            toFile: schema, atomically: true, encoding: .utf8)
        let result = try CommandRunner.run([
            "synthesize", "--method", "mst", "--data", data, "--schema", schema, "--epsilon", "1", "--delta", "1e-6",
            "--rows", "10", "--out", folder.appendingPathComponent("s.csv").path, "--ledger",
            folder.appendingPathComponent("l.sqlite").path, "--init-budget", "--seed", "1",
        ])
        #expect(result.status == 0 && result.standardOutput.contains("has spent epsilon 0.9999"), "\(result)")
        // Seeded noise can be drawn again from the seed: the summary claims no guarantee.
        #expect(result.standardOutput.contains("privacy: none: a SEEDED run"), "\(result)")
        #expect(!result.standardOutput.contains("-DP"), "\(result)")
    }

    @Test func synthesizeWritesRowsChargesTheLedgerAndSavesTheModel() throws {
        let (data, schema, folder) = try toyFiles()
        let out = folder.appendingPathComponent("synthetic.csv").path
        let ledger = folder.appendingPathComponent("l.sqlite").path
        let result = try CommandRunner.run([
            "synthesize", "--method", "mst", "--data", data, "--schema", schema, "--epsilon", "2", "--delta", "1e-6",
            "--rows", "250", "--out", out, "--ledger", ledger, "--init-budget", "--seed", "3",
            "--model-out", folder.appendingPathComponent("m.json").path, "--json",
        ])
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardError.contains("SEEDED"))
        let summary = try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any]
        #expect(summary?["seeded"] as? Bool == true)
        #expect((summary?["dataset_epsilon_spent"] as? Double ?? 99) <= 2)
        // The run's time grows with the private table's size: labelled.
        #expect(summary?["seconds"] != nil && summary?["seconds_notice"] as? String == RealDataNotice.timing)
        let lines = try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 251 && lines[0] == "age,group,flag")
        let shown = try CommandRunner.run(["ledger", "show", "--ledger", ledger, "--dataset", "toy", "--json"])
        let statement = try JSONSerialization.jsonObject(with: Data(shown.standardOutput.utf8)) as? [String: Any]
        #expect(((statement?["charges"] as? [Any])?.count ?? 0) == 1 + 2 + 1)
    }

    /// An epsilon below what DP-SGD's accountant can certify is refused before the ledger is
    /// opened: no budget is declared for a run that cannot be planned.
    @Test func anUnreachableEpsilonDeclaresNoBudget() throws {
        let (data, schema, folder) = try toyFiles()
        let ledger = folder.appendingPathComponent("l.sqlite").path
        let result = try CommandRunner.run([
            "synthesize", "--method", "dp-tvae", "--data", data, "--schema", schema, "--epsilon", "0.04",
            "--delta", "1e-9", "--rows", "10", "--out", folder.appendingPathComponent("o.csv").path,
            "--ledger", ledger, "--init-budget",
        ])
        #expect(result.status == 1 && result.standardError.contains("raise --epsilon above"), "\(result)")
        #expect(!FileManager.default.fileExists(atPath: ledger), "the ledger was opened")
        // Before the data is read: a missing file's error would come first.
        let unread = try CommandRunner.run([
            "synthesize", "--method", "dp-tvae", "--data", folder.appendingPathComponent("missing.csv").path,
            "--schema", schema, "--epsilon", "0.04", "--delta", "1e-9", "--rows", "10", "--out",
            folder.appendingPathComponent("o.csv").path,
        ])
        #expect(unread.status == 1 && unread.standardError.contains("raise --epsilon above"), "\(unread)")
        let audited = try CommandRunner.run([
            "dp-audit", "--method", "dp-tvae", "--data", data, "--schema", schema, "--epsilon", "0.04",
            "--delta", "1e-9", "--ledger", ledger, "--init-budget",
        ])
        #expect(audited.status == 1 && audited.standardError.contains("raise --epsilon above"), "\(audited)")
        #expect(!FileManager.default.fileExists(atPath: ledger), "dp-audit opened the ledger")
    }

    /// `synthesize` and `release` share the fit and sample stages and their random streams, so the
    /// same seed, data and settings give the same rows (the release's synthesis spends its epsilon
    /// less the gate's: 2 - 0.1).
    @Test(arguments: ["mst", "aim"])
    func synthesizeAndReleaseDrawIdenticalRows(method: String) throws {
        let (data, schema, folder) = try toyFiles()
        let out = folder.appendingPathComponent("synthesized.csv").path
        let synthesized = try CommandRunner.run([
            "synthesize", "--method", method, "--data", data, "--schema", schema, "--epsilon", "1.9", "--delta", "1e-6",
            "--rows", "300", "--iterations", "100", "--out", out, "--ledger",
            folder.appendingPathComponent("a.sqlite").path, "--init-budget", "--seed", "11",
        ])
        #expect(synthesized.status == 0, "\(synthesized.standardError)")
        let lines = try String(contentsOfFile: data, encoding: .utf8).split(separator: "\n")
        try (lines.prefix(1) + lines.suffix(100)).joined(separator: "\n").appending("\n").write(
            to: folder.appendingPathComponent("holdout.csv"), atomically: true, encoding: .utf8)
        let config = folder.appendingPathComponent("release.yaml")
        try """
        data: toy.csv
        holdout: holdout.csv
        schema: toy.yaml
        method: \(method)
        epsilon: 2
        delta: 1e-6
        rows: 300
        iterations: 100
        ledger: b.sqlite
        dataset_budget: {epsilon: 2, delta: 1e-6}
        out: released/synthetic.csv
        quarantine: released/quarantine
        report: released/report
        seed: 11
        gate: {epsilon: 0.1}

        """.write(to: config, atomically: true, encoding: .utf8)
        let released = try CommandRunner.run(["release", "--config", config.path])
        #expect(released.status == 0 || released.status == 3, "\(released.standardError)")
        let folderName = released.status == 0 ? "released" : "released/quarantine"
        let releasedRows = try String(
            contentsOfFile: folder.appendingPathComponent("\(folderName)/synthetic.csv").path, encoding: .utf8)
        #expect(try String(contentsOfFile: out, encoding: .utf8) == releasedRows)
    }

    /// An output that names an input (directly, through `./`, or through a link) is refused
    /// before anything is read or charged, and the input is left as it was.
    @Test func outputsNeverReplaceInputs() throws {
        let (data, schema, folder) = try toyFiles()
        let original = try Data(contentsOf: URL(fileURLWithPath: data))
        let ledger = folder.appendingPathComponent("l.sqlite").path
        let link = folder.appendingPathComponent("link.csv").path
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: data)
        let base = [
            "synthesize", "--method", "mst", "--data", data, "--schema", schema, "--epsilon", "1", "--rows", "10",
            "--ledger", ledger, "--init-budget", "--seed", "1",
        ]
        for arguments in [
            base + ["--out", data], base + ["--out", folder.path + "/./toy.csv"], base + ["--out", link],
            base + ["--out", folder.appendingPathComponent("s.csv").path, "--model-out", data],
            base + ["--out", schema],
        ] {
            let result = try CommandRunner.run(arguments)
            #expect(result.status != 0 && result.standardError.contains("names the same file"), "\(result)")
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: data)) == original)
        #expect(!FileManager.default.fileExists(atPath: ledger), "nothing was charged or even opened")
        let audit = try CommandRunner.run([
            "audit", "--train", data, "--holdout", data, "--synthetic", data, "--schema", schema, "--out", data,
        ])
        #expect(audit.status != 0 && audit.standardError.contains("--out names the same file as --train"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: data)) == original)
        let modelPath = folder.appendingPathComponent("m.json").path
        try Data("{}".utf8).write(to: URL(fileURLWithPath: modelPath))
        let sample = try CommandRunner.run(["sample", "--model", modelPath, "--rows", "5", "--out", modelPath])
        #expect(sample.status != 0 && sample.standardError.contains("--out names the same file as --model"))
        #expect(try String(contentsOfFile: modelPath, encoding: .utf8) == "{}")
    }

    @Test func sampleDrawsMoreRowsFromASavedModelWithoutACharge() throws {
        let (data, schema, folder) = try toyFiles()
        let ledger = folder.appendingPathComponent("l.sqlite").path
        let model = folder.appendingPathComponent("m.json").path
        let fitted = try CommandRunner.run([
            "synthesize", "--method", "aim", "--data", data, "--schema", schema, "--epsilon", "2", "--rows", "10",
            "--out", folder.appendingPathComponent("s.csv").path, "--ledger", ledger, "--init-budget",
            "--seed", "3", "--model-out", model,
        ])
        #expect(fitted.status == 0, "\(fitted.standardError)")
        let out = folder.appendingPathComponent("more.csv").path
        let drawn = try CommandRunner.run(["sample", "--model", model, "--rows", "120", "--out", out, "--seed", "4"])
        #expect(drawn.status == 0, "\(drawn.standardError)")
        #expect(drawn.standardOutput.contains("no privacy cost") && drawn.standardOutput.contains("SEEDED model"))
        let lines = try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 121 && lines[0] == "age,group,flag")
        let refused = try CommandRunner.run(["sample", "--model", data, "--rows", "5", "--out", out])
        #expect(refused.status != 0 && refused.standardError.contains("not a DPSynth model file"))
        let foreign = folder.appendingPathComponent("foreign.json").path
        try #"{"method": "gan-xyz"}"#.write(toFile: foreign, atomically: true, encoding: .utf8)
        let unknown = try CommandRunner.run(["sample", "--model", foreign, "--rows", "5", "--out", out])
        #expect(
            unknown.status != 0 && unknown.standardError.contains("unknown method 'gan-xyz'")
                && unknown.standardError.contains("dp-ctgan"))
    }

    @Test func aimTakesAWorkloadFile() throws {
        let (data, schema, folder) = try toyFiles()
        let workload = folder.appendingPathComponent("w.txt").path
        try "age,group\n\ngroup, flag\n".write(toFile: workload, atomically: true, encoding: .utf8)
        let out = folder.appendingPathComponent("aim.csv").path
        let result = try CommandRunner.run([
            "synthesize", "--data", data, "--schema", schema, "--epsilon", "3", "--rows", "100",
            "--out", out, "--ledger", folder.appendingPathComponent("l.sqlite").path, "--init-budget",
            "--workload", workload, "--seed", "1",
        ])
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardOutput.hasPrefix("aim: wrote 100 synthetic rows"))
        try "age,nosuch\n".write(toFile: workload, atomically: true, encoding: .utf8)
        let refused = try CommandRunner.run([
            "synthesize", "--data", data, "--schema", schema, "--epsilon", "3", "--rows", "100",
            "--out", out + "2", "--ledger", folder.appendingPathComponent("l2.sqlite").path, "--init-budget",
            "--workload", workload,
        ])
        #expect(
            refused.status != 0 && refused.standardError.contains("w.txt:1: name 2 of the line is not"),
            "\(refused)")
    }

    @Test func synthesizeRefusesBadInputWithOneLine() throws {
        let (data, schema, folder) = try toyFiles()
        let out = folder.appendingPathComponent("s.csv").path
        let ledger = folder.appendingPathComponent("l.sqlite").path
        let base = ["synthesize", "--data", data, "--schema", schema, "--rows", "10", "--out", out, "--ledger", ledger]
        let cases: [[String]] = [
            base + ["--epsilon", "0"],
            base + ["--epsilon", "nan"],
            base + ["--epsilon", "1", "--delta", "0"],
            base + ["--epsilon", "1", "--method", "gan"],
            base + ["--epsilon", "1", "--method", "mst", "--workload", "w.txt", "--init-budget"],
            base + ["--epsilon", "1", "--workload", "/nonexistent-workload.txt", "--init-budget"],
            base + ["--epsilon", "1"],  // no budget declared
            [
                "synthesize", "--data", "/nonexistent.csv", "--schema", schema, "--rows", "5", "--out", out,
                "--epsilon", "1", "--init-budget", "--ledger", ledger,
            ],
        ]
        for arguments in cases {
            let result = try CommandRunner.run(arguments)
            #expect(result.status != 0, "\(arguments)")
            #expect(result.standardError.split(separator: "\n").count == 1, "\(result.standardError)")
        }
        #expect(!FileManager.default.fileExists(atPath: out))
    }
}
