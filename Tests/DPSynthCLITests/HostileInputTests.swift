import DPTestSupport
import Foundation
import Testing

/// Hostile and careless inputs get a one-line error or a correct result: never a trap, never a
/// value of the data in the message.
@Suite struct HostileInputTests {
    func write(_ text: String, _ name: String, in folder: URL) throws -> String {
        let path = folder.appendingPathComponent(name).path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// Integer bounds near the 64-bit range trapped in the codec (rc 132, a register showing the
    /// value); they now encode, or are refused when the range cannot be drawn from.
    @Test func integerBoundsNearThe64BitRangeDoNotTrap() throws {
        let folder = try CommandRunner.temporaryDirectory()
        let data = try write("ts,b\n1700000000000000000,1\n", "ts.csv", in: folder)
        let wide = try write(
            "name: t\ncolumns:\n  - {name: ts, kind: integer, lower: 0, upper: 2000000000000000000}\n"
                + "  - {name: b, kind: coded, levels: 2}\n", "ts.yaml", in: folder)
        let checked = try CommandRunner.run(["schema", "check", "--data", data, "--schema", wide])
        #expect(checked.status == 0, "\(checked.standardError)")
        let out = folder.appendingPathComponent("s.csv").path
        let synthesized = try CommandRunner.run([
            "synthesize", "--method", "independent", "--data", data, "--schema", wide, "--epsilon", "1",
            "--rows", "50", "--out", out, "--ledger", folder.appendingPathComponent("l.sqlite").path,
            "--init-budget", "--seed", "2",
        ])
        #expect(synthesized.status == 0, "\(synthesized.standardError)")
        // The first field is empty where the synthetic row is missing (the column allows it).
        let fields = try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n").dropFirst()
            .map { String($0.split(separator: ",", omittingEmptySubsequences: false)[0]) }.filter { !$0.isEmpty }
        #expect(fields.allSatisfy { Int($0).map { (0...2_000_000_000_000_000_000).contains($0) } ?? false })
        let widest = try write(
            "name: t\ncolumns:\n  - {name: ts, kind: integer, lower: -9e18, upper: 9e18}\n"
                + "  - {name: b, kind: coded, levels: 2}\n", "w.yaml", in: folder)
        let refused = try CommandRunner.run(["schema", "check", "--data", data, "--schema", widest])
        #expect(refused.status == 1 && refused.standardError.contains("w.yaml:3:"), "\(refused.standardError)")
    }

    /// `schema infer` proposed schemas for headers every command refuses (a repeated or empty
    /// name), and `--dp` charged its whole epsilon for a table without rows, proposing a schema
    /// of identifiers.
    @Test func schemaInferRefusesWhatNoCommandCouldUse() throws {
        let folder = try CommandRunner.temporaryDirectory()
        let out = folder.appendingPathComponent("s.yaml").path
        for (text, expected) in [("a,a\n1,2\n", "twice"), ("a,\n1,2\n", "empty column name")] {
            let data = try write(text, "h.csv", in: folder)
            let result = try CommandRunner.run(["schema", "infer", data, "--out", out])
            #expect(
                result.status == 1 && result.standardError.contains(expected)
                    && result.standardError.contains("h.csv:1:"), "\(result)")
        }
        let ledger = folder.appendingPathComponent("l.sqlite").path
        let declared = try CommandRunner.run([
            "ledger", "init", "--ledger", ledger, "--dataset", "d", "--epsilon", "5", "--delta", "1e-5",
        ])
        #expect(declared.status == 0, "\(declared)")
        let empty = try write("a,b\n", "e.csv", in: folder)
        let result = try CommandRunner.run([
            "schema", "infer", empty, "--dp", "--epsilon", "1", "--ledger", ledger, "--dataset", "d",
            "--out", out,
        ])
        #expect(result.status == 1 && result.standardError.contains("no rows"), "\(result)")
        let shown = try CommandRunner.run(["ledger", "show", "--ledger", ledger, "--dataset", "d", "--json"])
        let statement = try JSONSerialization.jsonObject(with: Data(shown.standardOutput.utf8)) as? [String: Any]
        #expect((statement?["charges"] as? [Any])?.isEmpty == true, "\(shown)")
    }

    /// Real bounds of ±1e308 wrote "nan" rows with exit 0 (and charged the budget), and a value of
    /// 1e308 trapped; such bounds are refused when the schema is read.
    @Test func realBoundsTooFarApartAreRefusedBeforeAnyCharge() throws {
        let folder = try CommandRunner.temporaryDirectory()
        let data = try write("r,b\n1e308,1\n-1e308,0\n", "r.csv", in: folder)
        let schema = try write(
            "name: t\ncolumns:\n  - {name: r, kind: real, lower: -1e308, upper: 1e308}\n"
                + "  - {name: b, kind: coded, levels: 2}\n", "r.yaml", in: folder)
        let ledger = folder.appendingPathComponent("l.sqlite").path
        let result = try CommandRunner.run([
            "synthesize", "--method", "independent", "--data", data, "--schema", schema, "--epsilon", "1",
            "--rows", "5", "--out", folder.appendingPathComponent("s.csv").path, "--ledger", ledger,
            "--init-budget",
        ])
        #expect(result.status == 1 && result.standardError.contains("too far apart"), "\(result.standardError)")
        #expect(!FileManager.default.fileExists(atPath: ledger))
        #expect(!result.standardError.contains("1e308") || result.standardError.contains("1.7e308"))
    }
}

/// Checks that need no data run before anything is charged: a run that cannot finish pays
/// nothing (each of these charged the full epsilon, then failed).
@Suite struct ValidateBeforeChargeTests {
    @Test func runsThatCannotFinishAreRefusedBeforeTheLedgerIsTouched() throws {
        let folder = try CommandRunner.temporaryDirectory()
        let (data, schema) = try CodedPairTable.write(rows: 50, in: folder)
        let ledger = folder.appendingPathComponent("l.sqlite").path
        func run(_ extra: [String]) throws -> CommandRunner.Result {
            try CommandRunner.run(
                [
                    "synthesize", "--method", "independent", "--data", data, "--schema", schema, "--ledger", ledger,
                    "--init-budget",
                ] + extra)
        }
        let out = folder.appendingPathComponent("s.csv").path
        let cases: [([String], String)] = [
            (["--epsilon", "1", "--rows", "1000000000000", "--out", out], "--rows"),
            (["--epsilon", "1e308", "--rows", "10", "--out", out], "--epsilon"),
            (
                ["--epsilon", "1", "--rows", "10", "--out", folder.appendingPathComponent("no/such/s.csv").path],
                "does not exist"
            ),
            (["--epsilon", "1", "--rows", "10", "--out", folder.path], "is a folder"),
            (
                [
                    "--epsilon", "1", "--rows", "10", "--out",
                    folder.appendingPathComponent(String(repeating: "n", count: 240)).path,
                ],
                "too long"
            ),
            (["--epsilon", "1", "--rows", "10", "--out", out, "--model-out", folder.path], "is a folder"),
            // Descriptor 2 writes to /dev/null in dpsynth: rows sent there were paid for and lost.
            (["--epsilon", "1", "--rows", "10", "--out", "/dev/stderr"], "standard error"),
            (["--epsilon", "1", "--rows", "10", "--out", "/dev/fd/2"], "standard error"),
        ]
        for (extra, expected) in cases {
            let result = try run(extra)
            #expect(result.status != 0 && result.standardError.contains(expected), "\(extra): \(result)")
            #expect(!FileManager.default.fileExists(atPath: ledger), "\(extra) touched the ledger")
        }
        // A run that can finish does; its seed is never printed (anyone who has it can regenerate
        // the noise).
        let seeded = try run(["--epsilon", "1", "--rows", "10", "--out", out, "--seed", "987654321"])
        #expect(seeded.status == 0 && seeded.standardError.contains("SEEDED"), "\(seeded)")
        #expect(!seeded.standardError.contains("987654321") && !seeded.standardOutput.contains("987654321"))
    }

    /// A fit the schema and settings alone cannot plan (a delta too small for one DP-SGD step, an
    /// AIM workload set wider than AIM counts) is refused before the ledger is opened: it used to
    /// be refused inside the fit, after `--init-budget` had declared the dataset's budget.
    @Test func aFitThatCannotBePlannedDeclaresNoBudget() throws {
        let folder = try CommandRunner.temporaryDirectory()
        func write(_ text: String, _ name: String) throws -> String {
            let path = folder.appendingPathComponent(name).path
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            return path
        }
        let names = (0..<17).map { "c\($0)" }
        var text = names.joined(separator: ",") + "\n"
        for row in 0..<40 {
            let values: [String] = names.indices.map { String(($0 + row) % 2) }
            text += values.joined(separator: ",") + "\n"
        }
        let data = try write(text, "d.csv")
        let columns: [String] = names.map { "  - {name: \($0), kind: coded, levels: 2}\n" }
        let schema = try write("name: t\ncolumns:\n" + columns.joined(), "d.yaml")
        let workload = try write(names.joined(separator: ",") + "\n", "w.txt")
        for (method, extra, refusal) in [
            ("dp-tvae", ["--delta", "1e-40"], "too small for one DP-SGD step"),
            ("dp-ctgan", ["--delta", "1e-40"], "too small for one DP-SGD step"),
            // A workload error names the file the sets came from.
            ("aim", ["--workload", workload], "\(workload): AIM's workload holds a set of 17 columns"),
        ] {
            let ledger = folder.appendingPathComponent("\(method).sqlite").path
            let result = try CommandRunner.run(
                [
                    "synthesize", "--method", method, "--data", data, "--schema", schema, "--epsilon", "1",
                    "--rows", "5", "--out", folder.appendingPathComponent("s.csv").path, "--ledger", ledger,
                    "--init-budget",
                ] + extra)
            #expect(result.status == 1 && result.standardError.contains(refusal), "\(method): \(result.standardError)")
            #expect(!FileManager.default.fileExists(atPath: ledger), "\(method)")
        }
        // MST counts every pair after its first charge: two columns of 40,000 levels, 1.6e9 cells.
        let wideData = try write("a,b\n" + (0..<40).map { "\($0),\($0 % 7)\n" }.joined(), "wide.csv")
        let wideSchema = try write(
            "name: t\ncolumns:\n  - {name: a, kind: coded, levels: 40000}\n  - {name: b, kind: coded, levels: 40000}\n",
            "wide.yaml")
        let ledger = folder.appendingPathComponent("mst.sqlite").path
        let result = try CommandRunner.run([
            "synthesize", "--method", "mst", "--data", wideData, "--schema", wideSchema, "--epsilon", "1", "--rows",
            "5",
            "--out", folder.appendingPathComponent("s.csv").path, "--ledger", ledger, "--init-budget",
        ])
        #expect(
            result.status == 1 && result.standardError.contains("\(wideSchema): MST counts every pair"),
            "\(result.standardError)")
        #expect(!FileManager.default.fileExists(atPath: ledger))
    }
}

/// Smaller careless inputs: noise too large to print, a name with a line break, an empty answer
/// list charged for nothing, and an audit whose holdout is the training table.
@Suite struct CarelessInputTests {
    /// A ledger in a folder of its own, holding dataset `d`'s budget of (1, `delta`).
    func ledgerWithBudget(delta: String) throws -> String {
        let ledger = try CommandRunner.temporaryDirectory().appendingPathComponent("l.sqlite").path
        let declared = try CommandRunner.run([
            "ledger", "init", "--ledger", ledger, "--dataset", "d", "--epsilon", "1", "--delta", delta,
        ])
        #expect(declared.status == 0, "\(declared)")
        return ledger
    }

    /// Noise too large for a 64-bit answer is refused before the charge, not saturated after it.
    @Test func anIntegerScaleBeyond2To56IsRefusedBeforeTheCharge() throws {
        let ledger = try ledgerWithBudget(delta: "1e-6")
        for kind in ["discrete-gaussian", "discrete-laplace"] {
            let result = try CommandRunner.run([
                "mechanism", "release", "--ledger", ledger, "--dataset", "d", "--kind", kind, "--scale", "1e300",
                "--values", "1,2",
            ])
            #expect(result.status != 0 && result.standardError.contains("2^56"), "\(kind): \(result)")
        }
        let shown = try CommandRunner.run(["ledger", "show", "--ledger", ledger, "--dataset", "d", "--json"])
        #expect(!shown.standardOutput.contains("\"mechanism\""), "\(shown)")
    }

    /// A paid answer is printed whatever it is: noise beyond a double's range is "inf" in the JSON
    /// too (the JSON writer refused it after the charge), and integer answers keep every digit. A
    /// sensitivity beyond what an integer holds is refused before the charge (it trapped).
    @Test func everyPaidAnswerIsPrinted() throws {
        let ledger = try ledgerWithBudget(delta: "1e-6")
        let huge = try CommandRunner.run([
            "mechanism", "release", "--ledger", ledger, "--dataset", "d", "--kind", "laplace", "--scale", "1e308",
            "--sensitivity", "1e-300", "--values", "1,2,3,4,5,6,7,8", "--json", "--seed", "1",
        ])
        #expect(huge.status == 0 && huge.standardOutput.contains("\"values\""), "\(huge)")
        // So does a draw with no data (it failed in the JSON writer).
        let sampled = try CommandRunner.run([
            "mechanism", "sample", "--kind", "laplace", "--scale", "1e308", "--count", "20", "--seed", "1", "--json",
        ])
        #expect(sampled.status == 0 && sampled.standardOutput.contains("\"values\""), "\(sampled)")
        func integer(_ extra: [String]) throws -> CommandRunner.Result {
            try CommandRunner.run(
                [
                    "mechanism", "release", "--ledger", ledger, "--dataset", "d", "--kind", "discrete-laplace",
                    "--scale", "4", "--values", "9007199254740993,9007199254740995,9007199254740997", "--seed", "1",
                ] + extra)
        }
        let (text, json) = (try integer([]), try integer(["--json"]))
        let answer = text.standardOutput.split(separator: "\n").joined(separator: ",")
        #expect(json.status == 0 && json.standardOutput.contains("[\(answer)]"), "\(answer) \(json)")
        let trap = try CommandRunner.run([
            "mechanism", "release", "--ledger", ledger, "--dataset", "d", "--kind", "discrete-laplace", "--scale", "1",
            "--sensitivity", "1e20", "--values", "1",
        ])
        #expect(trap.status == 64 && trap.standardError.contains("2^53"), "\(trap)")
    }

    /// Real answers are rounded onto the noise grid from their exact value. Read as doubles first,
    /// 1e20+8191 and 1e20+8193 (two apart, the sensitivity) became doubles 16384 apart, and every
    /// draw told them apart while the charge said epsilon 1 (a helper's pass). Exactly, the two
    /// noisy answers round to different doubles only when the noise lands within 1 of the
    /// doubles' midpoint 1e20+8192: about 4 in 10 seeds, never all 20 here.
    @Test func realAnswersAreRoundedOntoTheGridFromTheirExactValue() throws {
        let folder = try CommandRunner.temporaryDirectory()
        let ledger = folder.appendingPathComponent("l.sqlite").path
        let declared = try CommandRunner.run([
            "ledger", "init", "--ledger", ledger, "--dataset", "d", "--epsilon", "100", "--delta", "0",
        ])
        #expect(declared.status == 0, "\(declared)")
        func release(_ value: String, seed: Int) throws -> String {
            let result = try CommandRunner.run([
                "mechanism", "release", "--ledger", ledger, "--dataset", "d", "--kind", "laplace", "--sensitivity", "2",
                "--scale", "2", "--values", value, "--seed", "\(seed)",
            ])
            #expect(result.status == 0, "\(result)")
            return result.standardOutput
        }
        var apart = 0
        for seed in 1...20
        where try release("100000000000000008191", seed: seed) != release("100000000000000008193", seed: seed) {
            apart += 1
        }
        #expect(apart < 20, "\(apart) of 20 told apart")
        // An integer sensitivity whose square overflows an Int is costed exactly (it trapped).
        let wide = try CommandRunner.run([
            "mechanism", "release", "--ledger", ledger, "--dataset", "d", "--kind", "discrete-gaussian",
            "--sensitivity", "3037000500", "--scale", "1e12", "--values", "5", "--seed", "1",
        ])
        #expect(wide.status == 0 || wide.standardError.contains("refused"), "\(wide)")
        #expect(!wide.standardError.contains("internal error"), "\(wide)")
    }

    /// A name with a line break stays on the error's one line, hint included.
    @Test func aLineBreakInANameKeepsTheErrorOnOneLine() throws {
        let folder = try CommandRunner.temporaryDirectory()
        let ledger = folder.appendingPathComponent("l.sqlite").path
        let declared = try CommandRunner.run([
            "ledger", "init", "--ledger", ledger, "--dataset", "other", "--epsilon", "1", "--delta", "0",
        ])
        #expect(declared.status == 0, "\(declared)")
        let result = try CommandRunner.run(["ledger", "show", "--ledger", ledger, "--dataset", "first\nsecond"])
        #expect(result.status != 0, "\(result)")
        let lines = result.standardError.split(separator: "\n")
        #expect(lines.count == 1 && lines[0].contains("first\\nsecond"), "\(result)")
    }

    /// A command that only reads or spends a budget left a new, empty ledger file where none
    /// was, after refusing for want of a budget.
    @Test func aCommandThatDeclaresNoBudgetCreatesNoLedger() throws {
        let folder = try CommandRunner.temporaryDirectory()
        let ledger = folder.appendingPathComponent("none.sqlite").path
        let (data, schema) = try CodedPairTable.write(rows: 20, in: folder)
        let commands: [[String]] = [
            ["ledger", "show", "--ledger", ledger, "--dataset", "d"],
            ["ledger", "charge", "--ledger", ledger, "--dataset", "d", "--mechanism", "m", "--epsilon", "0.1"],
            ["ledger", "release", "--ledger", ledger, "--dataset", "d", "--reservation", "1"],
            [
                "mechanism", "release", "--ledger", ledger, "--dataset", "d", "--kind", "discrete-laplace",
                "--scale", "4", "--values", "1,2",
            ],
            [
                "synthesize", "--method", "independent", "--data", data, "--schema", schema, "--epsilon", "1",
                "--rows", "5", "--out", folder.appendingPathComponent("s.csv").path, "--ledger", ledger,
            ],
        ]
        for command in commands {
            let result = try CommandRunner.run(command)
            #expect(result.status != 0 && result.standardError.contains("ledger init"), "\(command): \(result)")
            #expect(!FileManager.default.fileExists(atPath: ledger), "\(command) created a ledger")
        }
    }

    @Test func emptyAnswersAndASelfHoldoutAreRefused() throws {
        let ledger = try ledgerWithBudget(delta: "0")
        let folder = URL(fileURLWithPath: ledger).deletingLastPathComponent()
        // An empty item was dropped, and the answers after it were printed at the wrong positions.
        for values in [",", "1,,3", "1,2,", ",1"] {
            let empty = try CommandRunner.run([
                "mechanism", "release", "--ledger", ledger, "--dataset", "d", "--kind", "discrete-laplace",
                "--scale", "4", "--values", values,
            ])
            #expect(empty.status == 64 && empty.standardError.contains("is empty"), "\(values): \(empty)")
        }
        let shown = try CommandRunner.run(["ledger", "show", "--ledger", ledger, "--dataset", "d", "--json"])
        let statement = try JSONSerialization.jsonObject(with: Data(shown.standardOutput.utf8)) as? [String: Any]
        #expect((statement?["charges"] as? [Any])?.isEmpty == true)

        let data = folder.appendingPathComponent("t.csv").path
        try ("a\n" + (0..<30).map { "\($0 % 3)" }.joined(separator: "\n") + "\n")
            .write(toFile: data, atomically: true, encoding: .utf8)
        let copy = folder.appendingPathComponent("copy.csv").path
        try FileManager.default.copyItem(atPath: data, toPath: copy)
        let schema = folder.appendingPathComponent("t.yaml").path
        try "name: t\ncolumns:\n  - {name: a, kind: coded, levels: 3}\n".write(
            toFile: schema, atomically: true, encoding: .utf8)
        let audit = try CommandRunner.run([
            "audit", "--train", data, "--holdout", copy, "--synthetic", data, "--schema", schema, "--out",
            folder.appendingPathComponent("a.json").path,
        ])
        #expect(audit.status == 1 && audit.standardError.contains("training table itself"), "\(audit)")
    }

    /// Negative numbers are values out of range, not "Missing value" (they read as options before).
    @Test func negativeNumbersAreRangeErrors() throws {
        let cases: [([String], String)] = [
            (
                ["synthesize", "--data", "d", "--schema", "s", "--epsilon", "-1", "--rows", "3", "--out", "o"],
                "--epsilon"
            ),
            (["synthesize", "--data", "d", "--schema", "s", "--epsilon", "1", "--rows", "-3", "--out", "o"], "--rows"),
            (["sample", "--model", "m", "--rows", "-5", "--out", "o"], "--rows"),
        ]
        for (arguments, option) in cases {
            let result = try CommandRunner.run(arguments)
            #expect(result.status == 64 && result.standardError.contains("\(option) must"), "\(result)")
            #expect(!result.standardError.contains("Missing value"))
        }
    }

    /// The ledger, mechanism and accountant commands read a negative number as the option's value
    /// and refuse it as out of range, in one line, without touching the ledger.
    @Test func negativeNumbersInLedgerMechanismAndAccountantOptionsAreRangeErrors() throws {
        let ledger = try CommandRunner.temporaryDirectory().appendingPathComponent("l.sqlite").path
        let cases: [[String]] = [
            ["ledger", "init", "--ledger", ledger, "--dataset", "d", "--epsilon", "-1", "--delta", "1e-6"],
            ["ledger", "init", "--ledger", ledger, "--dataset", "d", "--epsilon", "1", "--delta", "-0.5"],
            [
                "mechanism", "release", "--ledger", ledger, "--dataset", "d", "--kind", "discrete-laplace", "--scale",
                "-2", "--values", "3",
            ],
            ["mechanism", "sample", "--kind", "discrete-laplace", "--scale", "-3/2", "--count", "5", "--seed", "1"],
            ["mechanism", "sample", "--kind", "discrete-laplace", "--scale", "1", "--count", "-5", "--seed", "1"],
            [
                "accountant", "epsilon", "--sampling-rate", "0.01", "--noise-multiplier", "-1", "--steps", "10",
                "--delta", "1e-5",
            ],
            ["accountant", "zcdp", "--rho", "-0.5", "--delta", "1e-5"],
        ]
        for arguments in cases {
            let result = try CommandRunner.run(arguments)
            #expect(result.status != 0, "\(arguments)")
            #expect(!result.standardError.contains("Missing value"), "\(result)")
            #expect(result.standardError.contains("must") || result.standardError.contains("positive"), "\(result)")
        }
        #expect(!FileManager.default.fileExists(atPath: ledger))
        // A true answer that cannot be read is not repeated (found by a hostile pass).
        let unreadable = try CommandRunner.run([
            "mechanism", "release", "--ledger", ledger, "--dataset", "d", "--kind", "discrete-laplace", "--scale", "2",
            "--values", "120,99999999999999999999999",
        ])
        #expect(unreadable.status != 0 && !unreadable.standardError.contains("99999"), "\(unreadable)")
    }
}

/// Crafted model files get a one-line error from `dpsynth sample`, never a trap or a huge
/// allocation.
@Suite struct CraftedModelTests {
    @Test func craftedModelFilesAreRefused() throws {
        let folder = try CommandRunner.temporaryDirectory()
        let data = folder.appendingPathComponent("toy.csv").path
        try ("a,b,c\n" + (0..<300).map { "\($0 % 3),\($0 % 4),\($0 % 5 == 0 ? 1 : 0)" }.joined(separator: "\n") + "\n")
            .write(toFile: data, atomically: true, encoding: .utf8)
        let schema = folder.appendingPathComponent("toy.yaml").path
        try """
        name: toy
        columns:
          - {name: a, kind: coded, levels: 3, missing: error}
          - {name: b, kind: coded, levels: 4, missing: error}
          - {name: c, kind: coded, levels: 2, missing: error}
        """.write(toFile: schema, atomically: true, encoding: .utf8)
        let model = folder.appendingPathComponent("m.json").path
        let fitted = try CommandRunner.run([
            "synthesize", "--method", "mst", "--data", data, "--schema", schema, "--epsilon", "5", "--rows", "5",
            "--out", folder.appendingPathComponent("s.csv").path, "--ledger",
            folder.appendingPathComponent("l.sqlite").path, "--init-budget", "--seed", "1", "--model-out", model,
        ])
        #expect(fitted.status == 0, "\(fitted.standardError)")
        let original =
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: model)))
            as! [String: Any]
        let body = original["model"] as! [String: Any]
        let cliques = body["cliques"] as! [[Int]]
        let edits: [(String, Any)] = [
            ("domain", [-3, 4, 2]), ("domain", [0, 4, 2]), ("domain", [1_000_000_000, 4, 2]), ("domain", [3, 4]),
            ("cliques", [[99]] + cliques.dropFirst()), ("cliques", [[-1]] + cliques.dropFirst()),
            ("cliques", [[0, 1, 2, 2]] + cliques.dropFirst()),
            ("compressionMapping", [[0, 7, 1], [0, 1, 2, 3], [0, 1]]),
            ("compressionDomain", [-1, 4, 2]), ("potentials", [[Double]]()), ("total", -5),
            (
                "schema",
                "name: toy\ncolumns:\n  - {name: a, kind: coded, levels: 3, missing: error}\n"
            ),
        ]
        /// `sample` from the model file with `model` in place of the fitted model's body.
        func sample(_ model: [String: Any]) throws -> CommandRunner.Result {
            var file = original
            file["model"] = model
            let crafted = folder.appendingPathComponent("crafted.json").path
            try JSONSerialization.data(withJSONObject: file).write(to: URL(fileURLWithPath: crafted))
            return try CommandRunner.run([
                "sample", "--model", crafted, "--rows", "10", "--out", folder.appendingPathComponent("o.csv").path,
            ])
        }
        for (key, value) in edits {
            var changed = body
            changed[key] = value
            if key.hasPrefix("compression") {
                changed["compressionMerged"] = [[Int](), [Int](), [Int]()]
                changed["compressionDomain"] = changed["compressionDomain"] ?? [3, 4, 2]
            }
            let result = try sample(changed)
            #expect(result.status == 1, "\(key): status \(result.status) \(result.standardError)")
            #expect(result.standardError.split(separator: "\n").count == 1, "\(key): \(result.standardError)")
        }
        // A compressed domain wider than the schema's, with potentials to match: its rows decoded
        // to codes outside the schema (found by a hostile pass).
        var widened = body
        let domain = [3, 10, 2]
        widened["domain"] = domain
        widened["compressionDomain"] = domain
        widened["compressionMapping"] = [[0, 1, 2], [0, 1, 2, 3], [0, 1]]
        widened["compressionMerged"] = [[Int](), [Int](), [Int]()]
        widened["potentials"] = cliques.map { clique in
            [Double](repeating: 0, count: clique.reduce(1) { $0 * domain[$1] })
        }
        let result = try sample(widened)
        #expect(result.status == 1 && result.standardError.contains("compression"), "\(result)")
    }

    /// A neural model file whose weight matrix is shorter than its shape says, whose values are
    /// not finite, or whose network does not match its schema, is refused in one line instead of
    /// letting BLAS read past an array.
    @Test func craftedNeuralModelFilesAreRefused() throws {
        let folder = try CommandRunner.temporaryDirectory()
        let (data, schema) = try CodedPairTable.write(rows: 300, in: folder)
        let model = folder.appendingPathComponent("m.json").path
        let fitted = try CommandRunner.run([
            "synthesize", "--method", "dp-tvae", "--data", data, "--schema", schema, "--epsilon", "5", "--rows", "5",
            "--epochs", "1", "--out", folder.appendingPathComponent("s.csv").path, "--ledger",
            folder.appendingPathComponent("l.sqlite").path, "--init-budget", "--seed", "1", "--model-out", model,
        ])
        #expect(fitted.status == 0, "\(fitted.standardError)")
        let original = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: model)))
        /// `value` with the first matrix (a mapping with rows, columns and values) passed through `edit`.
        func editingFirstMatrix(_ value: Any, _ edit: ([Any]) -> [Any], done: inout Bool) -> Any {
            if var mapping = value as? [String: Any] {
                if !done, mapping["rows"] != nil, mapping["columns"] != nil, let values = mapping["values"] as? [Any] {
                    done = true
                    mapping["values"] = edit(values)
                    return mapping
                }
                for (key, inner) in mapping { mapping[key] = editingFirstMatrix(inner, edit, done: &done) }
                return mapping
            }
            if let array = value as? [Any] { return array.map { editingFirstMatrix($0, edit, done: &done) } }
            return value
        }
        func latentChanged(_ value: Any) -> Any {
            if var mapping = value as? [String: Any] {
                if mapping["latent"] is Int { mapping["latent"] = 3 }
                for (key, inner) in mapping where key != "latent" { mapping[key] = latentChanged(inner) }
                return mapping
            }
            if let array = value as? [Any] { return array.map(latentChanged) }
            return value
        }
        func domainChanged(_ value: Any) -> Any {
            if var mapping = value as? [String: Any] {
                if mapping["domain"] is [Int] { mapping["domain"] = [3, 4] }
                for (key, inner) in mapping where key != "domain" { mapping[key] = domainChanged(inner) }
                return mapping
            }
            return value
        }
        let edits: [(String, Any)] = [
            (
                "a short matrix",
                {
                    var done = false
                    return editingFirstMatrix(original, { Array($0.dropLast()) }, done: &done)
                }()
            ),
            (
                "a non-finite weight",
                {
                    var done = false
                    return editingFirstMatrix(original, { ["nan"] + $0.dropFirst() }, done: &done)
                }()
            ),
            ("another domain", domainChanged(original)),
            // A latent size its decoder does not take (found by a hostile pass: it trapped).
            ("another latent size", latentChanged(original)),
        ]
        for (name, file) in edits {
            let crafted = folder.appendingPathComponent("crafted.json").path
            try JSONSerialization.data(withJSONObject: file).write(to: URL(fileURLWithPath: crafted))
            let result = try CommandRunner.run([
                "sample", "--model", crafted, "--rows", "10", "--out", folder.appendingPathComponent("o.csv").path,
            ])
            #expect(result.status == 1, "\(name): status \(result.status) \(result.standardError)")
            #expect(result.standardError.split(separator: "\n").count == 1, "\(name): \(result.standardError)")
        }
    }
}

/// Model files edited to hurt whoever samples them (a helper's pass): refused when read or
/// sampled safely, never a trap or an allocation far beyond the file.
@Suite struct HostileModelFileTests {
    @Test func aHugeTotalAnOversizedFileAndTooManyColumnsAreHandled() throws {
        let (data, schema, folder) = try SynthesizeCommandTests().toyFiles()
        let model = folder.appendingPathComponent("m.json").path
        let fitted = try CommandRunner.run([
            "synthesize", "--method", "mst", "--data", data, "--schema", schema, "--epsilon", "1", "--rows", "5",
            "--out", folder.appendingPathComponent("s.csv").path, "--model-out", model, "--seed", "1",
            "--ledger", folder.appendingPathComponent("l.sqlite").path, "--init-budget",
        ])
        #expect(fitted.status == 0, "\(fitted)")
        let text = try String(contentsOfFile: model, encoding: .utf8)
        // A model that names another method than its own is refused, not sampled under that name.
        let renamed = folder.appendingPathComponent("renamed.json").path
        try text.replacingOccurrences(of: "\"kind\":\"mst\"", with: "\"kind\":\"aim\"").write(
            toFile: renamed, atomically: true, encoding: .utf8)
        let misnamed = try CommandRunner.run([
            "sample", "--model", renamed, "--rows", "5", "--out", folder.appendingPathComponent("o3.csv").path,
        ])
        #expect(misnamed.status == 1 && misnamed.standardError.contains("another method"), "\(misnamed)")
        // A damaged file is refused saying where it stops making sense.
        let truncated = folder.appendingPathComponent("truncated.json").path
        try String(text.prefix(text.count / 2)).write(toFile: truncated, atomically: true, encoding: .utf8)
        let cut = try CommandRunner.run([
            "sample", "--model", truncated, "--rows", "5", "--out", folder.appendingPathComponent("o4.csv").path,
        ])
        #expect(cut.status == 1 && cut.standardError.contains("not a DPSynth model file ("), "\(cut)")
        // A total near a double's largest overflowed the sampler's count times a weight.
        let edited = text.replacingOccurrences(
            of: #""total"\s*:\s*[0-9.eE+-]+"#, with: "\"total\":1e308", options: .regularExpression)
        #expect(edited != text, "the model file names its total")
        try edited.write(toFile: model, atomically: true, encoding: .utf8)
        let sampled = try CommandRunner.run([
            "sample", "--model", model, "--rows", "5", "--out", folder.appendingPathComponent("o.csv").path,
            "--seed", "2",
        ])
        #expect(sampled.status == 0, "\(sampled)")
        // A file larger than any model is refused before it is read.
        let large = folder.appendingPathComponent("large.json").path
        #expect(FileManager.default.createFile(atPath: large, contents: nil))
        let handle = try #require(FileHandle(forWritingAtPath: large))
        try handle.truncate(atOffset: UInt64(1 << 30) + 1)
        try handle.close()
        let refused = try CommandRunner.run([
            "sample", "--model", large, "--rows", "5", "--out", folder.appendingPathComponent("o2.csv").path,
        ])
        #expect(refused.status == 1 && refused.standardError.contains("larger than any model file"), "\(refused)")
        // Anything but a regular file (a folder here; a device would be read without end, a pipe
        // waited on) is refused unread, as such.
        let notAFile = try CommandRunner.run([
            "sample", "--model", folder.path, "--rows", "5", "--out", folder.appendingPathComponent("o3.csv").path,
        ])
        #expect(notAFile.status == 1 && notAFile.standardError.contains("not a regular file"), "\(notAFile)")
        // A schema of more columns than dpsynth reads (a model file embeds one).
        let wide = folder.appendingPathComponent("wide.yaml").path
        try ("name: w\ncolumns:\n" + (0...1024).map { "  - {name: c\($0), kind: coded, levels: 2}\n" }.joined())
            .write(toFile: wide, atomically: true, encoding: .utf8)
        let checked = try CommandRunner.run(["schema", "check", "--data", data, "--schema", wide])
        #expect(checked.status != 0 && checked.standardError.contains("at most 1024"), "\(checked)")
    }

    /// A file of many one-digit numbers, well under the byte limit, would take the decoder tens of
    /// bytes a number: it is refused by its value count first (`ModelFile.largestValueCount`, 2^26).
    @Test func aFileOfMoreValuesThanAnyModelIsRefusedBeforeItIsParsed() throws {
        let folder = try CommandRunner.temporaryDirectory()
        let zeros = folder.appendingPathComponent("zeros.json").path
        var text = Data(#"{"format":2,"kind":"mst","model":{"potentials":[["#.utf8)
        text.append(Data(repeating: UInt8(ascii: "0"), count: 1))
        text.append(
            contentsOf: [UInt8](repeating: 0, count: 2 << 26).enumerated().map {
                $0.offset.isMultiple(of: 2) ? UInt8(ascii: ",") : UInt8(ascii: "0")
            })
        text.append(Data("]]}}".utf8))
        #expect(text.count < 1 << 30)
        try text.write(to: URL(fileURLWithPath: zeros))
        let refused = try CommandRunner.run([
            "sample", "--model", zeros, "--rows", "5", "--out", folder.appendingPathComponent("o.csv").path,
        ])
        #expect(refused.status == 1 && refused.standardError.contains("more values than any model file"), "\(refused)")
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("o.csv").path))
    }

    /// A whole number too large for its place is valid JSON: the error says so, not "not valid JSON".
    @Test func aNumberBeyondItsPlaceIsNamedSo() throws {
        let folder = try CommandRunner.temporaryDirectory()
        let model = folder.appendingPathComponent("m.json").path
        try #"{"format":2,"kind":"mst","model":{"version":99999999999999999999999}}"#.write(
            toFile: model, atomically: true, encoding: .utf8)
        let refused = try CommandRunner.run([
            "sample", "--model", model, "--rows", "5", "--out", folder.appendingPathComponent("o.csv").path,
        ])
        #expect(refused.status == 1 && refused.standardError.contains("a number does not fit its place"), "\(refused)")
    }
}
