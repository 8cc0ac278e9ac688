import DPTestSupport
import Foundation
import Testing

@Suite struct EvaluateCommandTests {
    func evaluate(
        _ data: String, against synthetic: String, schema: String, holdout: String? = nil, extra: [String] = []
    ) throws -> CommandRunner.Result {
        // The holdout may not be the training table: by default, other rows beside it.
        let folder = URL(fileURLWithPath: data).deletingLastPathComponent()
        return try CommandRunner.run(
            [
                "evaluate", "--train", data, "--holdout", try holdout ?? otherTable(in: folder), "--synthetic",
                synthetic, "--schema", schema, "--seed", "1",
            ] + extra)
    }

    func otherTable(in folder: URL) throws -> String {
        let other = folder.appendingPathComponent("other.csv").path
        let rows = (0..<300).map { index in
            "\(30 + index % 9),\(index % 2 == 0 ? "a" : "b"),\(index % 3 == 0 ? "yes" : "no")"
        }
        try ("age,group,flag\n" + rows.joined(separator: "\n") + "\n").write(
            toFile: other, atomically: true, encoding: .utf8)
        return other
    }

    /// A copy of the training rows, tested on a different holdout: zero distance (the holdout takes
    /// no part in it) and the same AUC as training on the real rows.
    @Test func aCopyScoresZeroDistanceAndTheRealClassifiersAUC() throws {
        let (data, schema, folder) = try SynthesizeCommandTests().toyFiles()
        let out = folder.appendingPathComponent("evaluation.json").path
        let result = try evaluate(
            data, against: data, schema: schema, holdout: try otherTable(in: folder),
            extra: ["--target", "flag", "--positive", "yes", "--out", out, "--json"])
        #expect(result.status == 0, "\(result.standardError)")
        let summary = try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any]
        #expect(summary?["three_way_tvd"] as? Double == 0)
        #expect(summary?["k_marginal_score"] as? Double == 1000)
        let synthetic = summary?["tstr_auc_gradient_boosted_trees"] as? Double
        #expect(synthetic != nil && synthetic == summary?["real_auc_gradient_boosted_trees"] as? Double)
        #expect(summary?["seeded"] as? Bool == true)
        #expect(FileManager.default.fileExists(atPath: out))
    }

    @Test func aDifferentTableScoresAboveZeroAndNamesTheRealDataInItsOutput() throws {
        let (data, schema, folder) = try SynthesizeCommandTests().toyFiles()
        let result = try evaluate(data, against: try otherTable(in: folder), schema: schema)
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardOutput.contains("not differentially private"))
        let line = result.standardOutput.split(separator: "\n").first { $0.contains("mean TVD") }.map(String.init) ?? ""
        #expect(line.contains("3-way") && !line.contains("3-way 0.0000"), "\(line)")
    }

    /// A holdout that is the training table is refused in one line; one whose target holds one
    /// class (the AUC would be undefined) is evaluated without the classifiers, which says so (a
    /// refusal was an uncharged bit about the holdout, and a release's audit sample that lost the
    /// rare class trapped after the gate's charge).
    @Test func aSelfHoldoutIsRefusedAndAOneClassHoldoutRunsNoClassifier() throws {
        let (data, schema, folder) = try SynthesizeCommandTests().toyFiles()
        let same = try evaluate(data, against: data, schema: schema, holdout: data)
        #expect(same.status == 1 && same.standardError.contains("training table itself"), "\(same)")
        // The same rows with other line endings and in another order are the same people (a
        // helper's pass: a CRLF copy passed as a holdout, and the gate compared the table with
        // itself): refused once read, as the same records, and with an age moved within its bin
        // (other records, the same encoded rows) as the same rows.
        let lines = try String(contentsOfFile: data, encoding: .utf8).split(separator: "\n").map(String.init)
        let edited = [lines[0], "21" + lines[1].dropFirst(2)] + lines.dropFirst(2)
        for (name, rows, refusal) in [
            ("copy.csv", lines, "training table itself"), ("edited.csv", edited, "training table itself"),
        ] {
            let copy = folder.appendingPathComponent(name).path
            try ([rows[0]] + rows.dropFirst().reversed()).joined(separator: "\r\n").appending("\r\n\r\n").write(
                toFile: copy, atomically: true, encoding: .utf8)
            let disguised = try evaluate(data, against: data, schema: schema, holdout: copy)
            #expect(disguised.status == 1 && disguised.standardError.contains(refusal), "\(name): \(disguised)")
        }
        let oneClass = folder.appendingPathComponent("no.csv").path
        try ("age,group,flag\n" + (0..<50).map { "\(30 + $0 % 9),a,no" }.joined(separator: "\n") + "\n").write(
            toFile: oneClass, atomically: true, encoding: .utf8)
        let result = try evaluate(
            data, against: data, schema: schema, holdout: oneClass, extra: ["--target", "flag", "--positive", "yes"])
        #expect(result.status == 0 && result.standardOutput.contains("classifiers not run"), "\(result)")
        #expect(!result.standardOutput.contains("TSTR AUC"), "\(result)")
    }

    /// The shadow-model attack is scored by cross-validation over each target's shadows: one
    /// shadow is refused when the config is read, not met by a crash.
    @Test func oneShadowIsRefused() throws {
        let (data, schema, folder) = try SynthesizeCommandTests().toyFiles()
        let config = folder.appendingPathComponent("g.yaml").path
        try "method: mst\nepsilon: 1\ntargets: 1\nshadows: 1\nrows: 50\n".write(
            toFile: config, atomically: true, encoding: .utf8)
        let result = try CommandRunner.run([
            "audit", "--train", data, "--holdout", try otherTable(in: folder), "--synthetic", data, "--schema",
            schema, "--generator-config", config, "--out", folder.appendingPathComponent("audit.json").path,
        ])
        #expect(result.status == 1 && result.standardError.contains("'shadows' must be at least 2"), "\(result)")
    }

    /// The files `evaluate --out` and `audit --out` write hold exact figures of the real data, so
    /// each says so in itself. Found by a hostile pass: only the terminal output was labelled.
    @Test func theirOutputFilesSayTheyAreComputedOnTheRealData() throws {
        let (data, schema, folder) = try SynthesizeCommandTests().toyFiles()
        let holdout = try otherTable(in: folder)
        let evaluation = folder.appendingPathComponent("evaluation.json").path
        let evaluated = try evaluate(data, against: holdout, schema: schema, extra: ["--out", evaluation])
        #expect(evaluated.status == 0, "\(evaluated)")
        let audit = folder.appendingPathComponent("audit.json").path
        let audited = try CommandRunner.run([
            "audit", "--train", data, "--holdout", holdout, "--synthetic", holdout, "--schema", schema,
            "--secret", "flag", "--epsilon", "1", "--seed", "1", "--out", audit,
        ])
        // Exit 3: the synthetic table is real rows, which the audit flags.
        #expect(audited.status == 3 && FileManager.default.fileExists(atPath: audit), "\(audited)")
        for (path, figure) in [(evaluation, "columns"), (audit, "findings")] {
            let file = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path)))
            let object = file as? [String: Any]
            let notice = object?["notice"] as? String ?? ""
            #expect(notice.contains("real data") && notice.contains("not differentially private"), "\(path)")
            #expect(object?[figure] != nil, "\(path) lost its figures")
        }
        // The decision audit --json prints is one of those figures too (a helper's pass).
        let printed = try CommandRunner.run([
            "audit", "--train", data, "--holdout", holdout, "--synthetic", holdout, "--schema", schema,
            "--secret", "flag", "--epsilon", "1", "--seed", "1", "--out", audit, "--json",
        ])
        let summary = try JSONSerialization.jsonObject(with: Data(printed.standardOutput.utf8)) as? [String: Any]
        #expect((summary?["notice"] as? String)?.contains("real data") == true, "\(printed)")
    }

    /// No command's output replaces a ledger: `evaluate --out` and `keys generate --force` wrote
    /// over one (found by a review), and its charges were lost. `keys generate --force` replaced
    /// any file, a data file too (found by a hostile pass): it now replaces only a key pair.
    @Test func noOutputReplacesALedger() throws {
        let (data, schema, folder) = try SynthesizeCommandTests().toyFiles()
        let ledger = folder.appendingPathComponent("l.sqlite").path
        let declared = try CommandRunner.run([
            "ledger", "init", "--ledger", ledger, "--dataset", "t", "--epsilon", "1", "--delta", "1e-6",
        ])
        #expect(declared.status == 0, "\(declared)")
        let before = try Data(contentsOf: URL(fileURLWithPath: ledger))
        let evaluated = try evaluate(
            data, against: try otherTable(in: folder), schema: schema, extra: ["--out", ledger])
        #expect(evaluated.status == 1 && evaluated.standardError.contains("which no output replaces"), "\(evaluated)")
        // Nor its side files, which SQLite deletes or reads as the ledger's (a hostile pass: the
        // rows written there were reported written, then gone).
        for side in ["-journal", "-wal", "-shm"] {
            let synthesized = try CommandRunner.run([
                "synthesize", "--method", "mst", "--data", data, "--schema", schema, "--epsilon", "1", "--delta",
                "1e-6", "--rows", "10", "--out", ledger + side, "--ledger", ledger,
            ])
            #expect(synthesized.status != 0 && synthesized.standardError.contains("\(side) file"), "\(synthesized)")
        }
        let keyed = try CommandRunner.run(["keys", "generate", "--out", ledger, "--force"])
        #expect(keyed.status == 1 && keyed.standardError.contains("which no output replaces"), "\(keyed)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: ledger)) == before)
        // A key pair is still replaced by a new one with --force.
        let key = folder.appendingPathComponent("k.key").path
        #expect(try CommandRunner.run(["keys", "generate", "--out", key]).status == 0)
        #expect(try CommandRunner.run(["keys", "generate", "--out", key]).status == 1)
        #expect(try CommandRunner.run(["keys", "generate", "--out", key, "--force"]).status == 0)
        // Not through a link to one half of a pair, which left that pair's other half old.
        let linked = folder.appendingPathComponent("l.key").path
        try FileManager.default.createSymbolicLink(atPath: linked, withDestinationPath: key)
        let keyBefore = try Data(contentsOf: URL(fileURLWithPath: key))
        let throughLink = try CommandRunner.run(["keys", "generate", "--out", linked, "--force"])
        #expect(throughLink.status == 1 && throughLink.standardError.contains("symbolic link"), "\(throughLink)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: key)) == keyBefore)
        // Not a pipe, which reading would wait on for ever (helper 54's review).
        let pipe = folder.appendingPathComponent("p.key").path
        #expect(mkfifo(pipe, 0o600) == 0)
        let piped = try CommandRunner.run(["keys", "generate", "--out", pipe, "--force"])
        #expect(piped.status == 1 && piped.standardError.contains("other than a regular file"), "\(piped)")
        // Only a key pair: not a data file at --out or at --out.pub, nor what a link there leads to.
        for (name, target) in [("d.key", "d.key"), ("e.key", "e.key.pub"), ("f.key", "f.key.pub")] {
            let table = folder.appendingPathComponent(target).path
            try Data(contentsOf: URL(fileURLWithPath: data)).write(to: URL(fileURLWithPath: table))
            if name == "f.key" {
                try FileManager.default.moveItem(atPath: table, toPath: table + ".csv")
                try FileManager.default.createSymbolicLink(atPath: table, withDestinationPath: table + ".csv")
            }
            let forced = try CommandRunner.run([
                "keys", "generate", "--out", folder.appendingPathComponent(name).path, "--force",
            ])
            let refusal = name == "f.key" ? "symbolic link" : "not what looks like a signing key"
            #expect(forced.status == 1 && forced.standardError.contains(refusal), "\(forced)")
            #expect(try Data(contentsOf: URL(fileURLWithPath: table)) == Data(contentsOf: URL(fileURLWithPath: data)))
        }
    }

    @Test func anUnknownPositiveValueIsOneLineNamingTheChoices() throws {
        let (data, schema, _) = try SynthesizeCommandTests().toyFiles()
        let result = try evaluate(
            data, against: data, schema: schema, extra: ["--target", "flag", "--positive", "maybe"])
        #expect(result.status == 64)
        #expect(
            result.standardError.contains("'maybe' is not a value of 'flag'")
                && result.standardError.contains("yes, no"))
        #expect(result.standardError.split(separator: "\n").count == 1)
        let orphan = try evaluate(data, against: data, schema: schema, extra: ["--positive", "yes"])
        #expect(orphan.status != 0 && orphan.standardError.contains("--positive needs --target"))
    }

    /// A column an option names that the schema lacks is an error of the option against the
    /// schema, not of the training file (which the message named). It is a usage error (64), found
    /// before any row is read: the training file here is missing, whose error would come first.
    @Test func anUnknownTargetNamesTheSchema() throws {
        let (data, schema, folder) = try SynthesizeCommandTests().toyFiles()
        let result = try evaluate(data, against: data, schema: schema, extra: ["--target", "nosuch"])
        #expect(result.status == 64 && result.standardError.contains("\(schema): --target: 'nosuch'"), "\(result)")
        let missing = folder.appendingPathComponent("missing.csv").path
        let unread = try evaluate(missing, against: data, schema: schema, extra: ["--target", "nosuch"])
        #expect(unread.status == 64 && unread.standardError.contains("--target: 'nosuch'"), "\(unread)")
        let positive = try evaluate(
            missing, against: data, schema: schema, extra: ["--target", "flag", "--positive", "maybe"])
        #expect(positive.status == 64 && positive.standardError.contains("'maybe' is not a value"), "\(positive)")
    }
}
