import DPRandomness
import DPTestSupport
import Foundation
import Testing

/// `dpsynth dp-audit` prints the audit's figures as JSON: the generator's bound at or below its
/// claim here, and the non-private control's clearly above it.
@Suite struct DPAuditCommandTests {
    @Test func theAuditAndItsControlAreReported() throws {
        let folder = try CommandRunner.temporaryDirectory()
        let source = RandomSource.seeded(7)
        func next(_ below: UInt64) -> Int { Int(source.uniform(below: below)) }
        let header = (0..<5).map { "v\($0)" }
        let rows = (0..<1500).map { _ -> String in
            let base = next(10)
            return (0..<5).map { _ in String(next(2) == 0 ? base : next(10)) }.joined(separator: ",")
        }
        let data = folder.appendingPathComponent("t.csv").path
        try ([header.joined(separator: ",")] + rows).joined(separator: "\n").appending("\n")
            .write(toFile: data, atomically: true, encoding: .utf8)
        let schema = folder.appendingPathComponent("t.yaml").path
        try ("name: t\ncolumns:\n" + header.map { "  - {name: \($0), kind: coded, levels: 10}\n" }.joined())
            .write(toFile: schema, atomically: true, encoding: .utf8)
        let result = try CommandRunner.run([
            "dp-audit", "--method", "independent", "--epsilon", "1", "--data", data, "--schema", schema,
            "--canaries", "400", "--ledger", folder.appendingPathComponent("l.sqlite").path, "--init-budget",
            "--seed", "3", "--json",
        ])
        #expect(result.status == 0, "\(result)")
        let figures = try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any]
        for key in [
            "method", "claimed_epsilon", "delta", "canaries", "guesses", "correct", "epsilon_lower_bound",
            "control_epsilon_lower_bound",
        ] {
            #expect(figures?[key] != nil, "missing \(key)")
        }
        #expect((figures?["note"] as? String)?.contains("computed on the private data") == true)
        #expect((figures?["epsilon_lower_bound"] as? Double ?? 9) <= 1)
        #expect((figures?["control_epsilon_lower_bound"] as? Double ?? 0) > 1)
        #expect(figures?["verdict"] as? String == "no evidence against the claim", "\(result)")
        #expect(figures?["settings"] as? [String: String] == [:], "\(result)")
        let refused = try CommandRunner.run([
            "dp-audit", "--method", "mst", "--epsilon", "1", "--data", data, "--schema", schema, "--canaries", "1",
        ])
        #expect(refused.status == 64 && refused.standardError.contains("--canaries"), "\(refused)")
    }

    /// `--config` runs the generator with a release config's settings and records them, so that
    /// the release can tell the audit ran what it runs; a config of another method is refused
    /// before the ledger is opened.
    @Test func anAuditRunsAndRecordsTheSettingsOfAReleaseConfig() throws {
        let folder = try CommandRunner.temporaryDirectory()
        let data = folder.appendingPathComponent("t.csv").path
        try ("a,b\n" + (0..<400).map { "\($0 % 3),\($0 % 4)" }.joined(separator: "\n") + "\n")
            .write(toFile: data, atomically: true, encoding: .utf8)
        let schema = folder.appendingPathComponent("t.yaml").path
        try "name: t\ncolumns:\n  - {name: a, kind: coded, levels: 3}\n  - {name: b, kind: coded, levels: 4}\n"
            .write(toFile: schema, atomically: true, encoding: .utf8)
        let config = folder.appendingPathComponent("release.yaml").path
        try
            ("data: t.csv\nholdout: h.csv\nschema: t.yaml\nmethod: mst\nepsilon: 1\niterations: 30\n"
            + "ledger: l.sqlite\nout: out.csv\nquarantine: q\nreport: report\n")
            .write(toFile: config, atomically: true, encoding: .utf8)
        let ledger = folder.appendingPathComponent("l.sqlite").path
        let result = try CommandRunner.run([
            "dp-audit", "--method", "mst", "--epsilon", "1", "--data", data, "--schema", schema, "--config", config,
            "--canaries", "20", "--ledger", ledger, "--init-budget", "--seed", "3", "--json",
        ])
        #expect(result.status == 0, "\(result)")
        let figures = try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any]
        #expect(figures?["settings"] as? [String: String] == ["iterations": "30"], "\(result)")
        let other = try CommandRunner.run([
            "dp-audit", "--method", "aim", "--epsilon", "1", "--data", data, "--schema", schema, "--config", config,
            "--ledger", folder.appendingPathComponent("other.sqlite").path, "--init-budget",
        ])
        #expect(other.status != 0 && other.standardError.contains("method is mst, but --method is aim"), "\(other)")
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("other.sqlite").path))
    }
}
