import DPAudit
import DPTestSupport
import Foundation
import Testing

/// The `dpsynth` binary end to end: answers, JSON, and one-line refusals of bad input.
@Suite struct CommandLineTests {
    /// A scale a mechanism or the accountant refuses is the options' fault: exit 64 naming them,
    /// before any charge (a hostile pass: exit 1, "a charge's rho must be finite"). So is a
    /// ledger charge that names no mechanism, which was recorded.
    @Test func aScaleNoMechanismTakesIsAUsageError() throws {
        let ledger = try CommandRunner.temporaryDirectory().appendingPathComponent("l.sqlite").path
        let declared = try CommandRunner.run([
            "ledger", "init", "--ledger", ledger, "--dataset", "d", "--epsilon", "1", "--delta", "1e-6",
        ])
        #expect(declared.status == 0, "\(declared)")
        let released = try CommandRunner.run([
            "mechanism", "release", "--ledger", ledger, "--dataset", "d", "--kind", "discrete-gaussian", "--scale",
            "1e-300", "--values", "1",
        ])
        #expect(released.status == 64 && released.standardError.contains("--scale or --sensitivity"), "\(released)")
        let sampled = try CommandRunner.run([
            "mechanism", "sample", "--kind", "gaussian", "--scale", "0.1e400", "--count", "3",
        ])
        #expect(sampled.status == 64 && sampled.standardError.contains("--scale or --sensitivity"), "\(sampled)")
        // A charge must name what it pays for.
        let unnamed = try CommandRunner.run([
            "ledger", "charge", "--ledger", ledger, "--dataset", "d", "--mechanism", " ", "--epsilon", "0.1",
        ])
        #expect(unnamed.status == 64 && unnamed.standardError.contains("--mechanism"), "\(unnamed)")
        let shown = try CommandRunner.run(["ledger", "show", "--ledger", ledger, "--dataset", "d", "--json"])
        #expect(shown.status == 0 && !shown.standardOutput.contains("\"id\""), "\(shown)")
    }

    @Test func accountantEpsilonPrintsJSONWithEpsilon() throws {
        let result = try CommandRunner.run([
            "accountant", "epsilon", "--sampling-rate", "0.01", "--noise-multiplier", "1",
            "--steps", "1000", "--delta", "1e-5", "--accountant", "pld", "--json",
        ])
        #expect(result.status == 0)
        let object = try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any]
        let epsilon = try #require(object?["epsilon"] as? Double)
        #expect(abs(epsilon - 1.8282436461194622) < 0.01 * 1.83)
    }

    @Test func noiseCalibrationRoundTrips() throws {
        let noise = try CommandRunner.run([
            "accountant", "noise", "--target-epsilon", "2", "--sampling-rate", "0.01",
            "--steps", "500", "--delta", "1e-5", "--json",
        ])
        #expect(noise.status == 0)
        let object = try JSONSerialization.jsonObject(with: Data(noise.standardOutput.utf8)) as? [String: Any]
        let sigma = try #require(object?["noise_multiplier"] as? Double)
        let check = try CommandRunner.run([
            "accountant", "epsilon", "--sampling-rate", "0.01", "--noise-multiplier", "\(sigma)",
            "--steps", "500", "--delta", "1e-5",
        ])
        #expect((Double(check.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 99) <= 2)
    }

    /// `data marginals` counts every k-way marginal and prints how many and how long, never a count.
    @Test func dataMarginalsTimesTheCountingAndPrintsNoCount() throws {
        let folder = try CommandRunner.temporaryDirectory()
        let data = folder.appendingPathComponent("t.csv").path
        let schema = folder.appendingPathComponent("t.yaml").path
        try "a,b,c,d\n1,2,0,1\n0,1,1,1\n".write(toFile: data, atomically: true, encoding: .utf8)
        try """
        name: t
        columns:
          - {name: a, kind: coded, levels: 2, missing: error}
          - {name: b, kind: coded, levels: 3, missing: error}
          - {name: c, kind: coded, levels: 2, missing: error}
          - {name: d, kind: coded, levels: 2, missing: error}

        """.write(toFile: schema, atomically: true, encoding: .utf8)
        let result = try CommandRunner.run(["data", "marginals", "--data", data, "--schema", schema, "--ways", "3"])
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardOutput.hasPrefix("counted 4 3-way marginals (44 cells) in "), "\(result.standardOutput)")
        // The time grows with the private table's size: labelled in either form.
        #expect(result.standardOutput.contains(RealDataNotice.timing), "\(result.standardOutput)")
        let json = try CommandRunner.run(["data", "marginals", "--data", data, "--schema", schema, "--json"])
        let object = try JSONSerialization.jsonObject(with: Data(json.standardOutput.utf8)) as? [String: Any]
        #expect(object?["seconds_notice"] as? String == RealDataNotice.timing, "\(json)")
    }

    /// `data count` prints the exact count, a private figure, and says so in either form.
    @Test func dataCountLabelsItsFigure() throws {
        let file = try CommandRunner.temporaryDirectory().appendingPathComponent("d.csv").path
        try "a\n1\n2\n".write(toFile: file, atomically: true, encoding: .utf8)
        let text = try CommandRunner.run(["data", "count", file])
        #expect(text.status == 0 && text.standardOutput == "3\n", "\(text)")
        #expect(text.standardError.contains("computed on the private data"), "\(text)")
        let json = try CommandRunner.run(["data", "count", file, "--json"])
        #expect(json.status == 0 && json.standardOutput.contains("computed on the private data"), "\(json)")
    }

    @Test func zcdpConvertsBothWays() throws {
        let forward = try CommandRunner.run(["accountant", "zcdp", "--rho", "0.5", "--delta", "1e-5"])
        let epsilon = try #require(Double(forward.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)))
        #expect(abs(epsilon - 4.728386984943315) < 1e-8)
        let back = try CommandRunner.run(["accountant", "zcdp", "--epsilon", "\(epsilon)", "--delta", "1e-5"])
        #expect(abs((Double(back.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0) - 0.5) < 1e-8)
    }

    @Test(arguments: ["discrete-gaussian", "discrete-laplace", "laplace", "gaussian"])
    func mechanismSamplePrintsOneValueALineAndFlagsSeeds(kind: String) throws {
        let result = try CommandRunner.run([
            "mechanism", "sample", "--kind", kind, "--scale", "2", "--count", "50", "--seed", "9",
        ])
        #expect(result.status == 0)
        let values = result.standardOutput.split(separator: "\n").compactMap { Double($0) }
        #expect(values.count == 50)
        #expect(Set(values).count > 5)
        #expect(result.standardError.contains("SEEDED"))
        let again = try CommandRunner.run([
            "mechanism", "sample", "--kind", kind, "--scale", "2", "--count", "50", "--seed", "9",
        ])
        #expect(again.standardOutput == result.standardOutput)
    }

    @Test func ledgerInitChargeShowAndRefuse() throws {
        let path = try CommandRunner.temporaryDirectory().appendingPathComponent("l.sqlite").path
        #expect(
            try CommandRunner.run([
                "ledger", "init", "--ledger", path, "--dataset", "a", "--epsilon", "1", "--delta", "1e-6",
            ]).status == 0)
        #expect(
            try CommandRunner.run([
                "ledger", "charge", "--ledger", path, "--dataset", "a", "--mechanism", "m", "--epsilon", "0.7",
            ]).status == 0)
        let refused = try CommandRunner.run([
            "ledger", "charge", "--ledger", path, "--dataset", "a", "--mechanism", "m", "--epsilon", "0.7",
        ])
        #expect(refused.status != 0)
        #expect(refused.standardError.contains("refused"))
        let shown = try CommandRunner.run(["ledger", "show", "--ledger", path, "--dataset", "a", "--json"])
        let object = try JSONSerialization.jsonObject(with: Data(shown.standardOutput.utf8)) as? [String: Any]
        #expect((object?["charges"] as? [Any])?.count == 1)
    }

    /// A negative number was read as an option's name ("Missing value for '--ways'"), and an audit
    /// of 10^11 attacks ran on for ever: each is refused by its own range.
    @Test func numbersOutOfRangeAreNamedByTheirRange() throws {
        let ways = try CommandRunner.run([
            "data", "marginals", "--data", "x.csv", "--schema", "s.yaml", "--ways", "-2",
        ])
        #expect(ways.status == 64 && ways.standardError.contains("1...4"), "\(ways)")
        let attacks = try CommandRunner.run([
            "audit", "--train", "a.csv", "--holdout", "b.csv", "--synthetic", "c.csv", "--schema", "s.yaml",
            "--out", "o.json", "--attacks", "100000000000",
        ])
        #expect(attacks.status == 64 && attacks.standardError.contains("at most"), "\(attacks)")
        // A claim beyond any fit's epsilon printed a 300-digit threshold.
        let claim = try CommandRunner.run([
            "audit", "--train", "a.csv", "--holdout", "b.csv", "--synthetic", "c.csv", "--schema", "s.yaml",
            "--out", "o.json", "--epsilon", "1e308",
        ])
        #expect(claim.status == 64 && claim.standardError.contains("up to 10000"), "\(claim)")
        // Two options that set one thing are a usage error too (it exited 1, as bad data does).
        let both = try CommandRunner.run([
            "dp-audit", "--data", "a.csv", "--schema", "s.yaml", "--method", "mst", "--epsilon", "1",
            "--iterations", "10", "--config", "r.yaml",
        ])
        #expect(both.status == 64 && both.standardError.contains("give one of them"), "\(both)")
    }

    /// Every 3-way marginal of a schema's many columns took all the machine's memory (a hostile
    /// pass: 1,024 columns, 13 GB in 30 s): more marginals than any method counts at once are
    /// refused before a row is read.
    @Test func tooManyMarginalsAreRefusedBeforeCounting() throws {
        let folder = try CommandRunner.temporaryDirectory()
        let schema = folder.appendingPathComponent("wide.yaml").path
        try ("columns:\n" + (0..<300).map { "  - {name: c\($0), kind: coded, levels: 2}\n" }.joined())
            .write(toFile: schema, atomically: true, encoding: .utf8)
        let result = try CommandRunner.run([
            "data", "marginals", "--data", folder.appendingPathComponent("absent.csv").path, "--schema", schema,
        ])
        #expect(result.status == 1 && result.standardError.contains("more than dpsynth counts at once"), "\(result)")
        // Few marginals of many cells: 3-way sets of 20 columns of 4,000 codes.
        try ("columns:\n" + (0..<20).map { "  - {name: c\($0), kind: coded, levels: 4000}\n" }.joined())
            .write(toFile: schema, atomically: true, encoding: .utf8)
        let cells = try CommandRunner.run([
            "data", "marginals", "--data", folder.appendingPathComponent("absent.csv").path, "--schema", schema,
        ])
        #expect(cells.status == 1 && cells.standardError.contains("cells in all"), "\(cells)")
    }

    /// A mechanism name or dataset with a line break or a terminal escape was printed raw by
    /// `ledger show`, so one analyst could forge lines on another's terminal (a hostile pass).
    @Test func ledgerNamesArePrintedOnOneLine() throws {
        let path = try CommandRunner.temporaryDirectory().appendingPathComponent("l.sqlite").path
        let dataset = "a\nforged"
        let initialised = try CommandRunner.run([
            "ledger", "init", "--ledger", path, "--dataset", dataset, "--epsilon", "1", "--delta", "0",
        ])
        #expect(initialised.status == 0 && !initialised.standardOutput.contains("a\nforged"), "\(initialised)")
        let charged = try CommandRunner.run([
            "ledger", "charge", "--ledger", path, "--dataset", dataset, "--mechanism", "m\n\u{1B}[31mred",
            "--epsilon", "0.1",
        ])
        #expect(charged.status == 0 && !charged.standardOutput.contains("\u{1B}"), "\(charged)")
        let shown = try CommandRunner.run(["ledger", "show", "--ledger", path, "--dataset", dataset])
        #expect(shown.status == 0, "\(shown)")
        #expect(!shown.standardOutput.contains("\u{1B}") && !shown.standardOutput.contains("a\nforged"), "\(shown)")
        #expect(shown.standardOutput.contains("m\\n\\u{1b}[31mred"), "\(shown)")
    }

    /// `data count /dev/zero` read for ever, in growing memory (a hostile pass): input data is a
    /// regular file, as for every other command.
    @Test func dataCountRefusesADevice() throws {
        let result = try CommandRunner.run(["data", "count", "/dev/zero"])
        #expect(result.status == 1 && result.standardError.contains("not a regular file"), "\(result)")
    }

    /// Settings of the DP proposal given to the plain one were ignored without a word: refused.
    @Test func dpProposalSettingsNeedDP() throws {
        for extra in [
            ["--integer", "age"], ["--numeric", "age"], ["--seed", "3"], ["--epsilon", "1"], ["--delta", "1e-6"],
            ["--ledger", "l.sqlite"],
        ] {
            let result = try CommandRunner.run(["schema", "infer", "x.csv"] + extra)
            #expect(
                result.status == 64 && result.standardError.contains("\(extra[0]) applies only with --dp"), "\(result)")
        }
    }

    static let badInvocations: [[String]] = [
        ["mechanism", "sample", "--kind", "laplace", "--scale", "0", "--count", "3"],
        ["mechanism", "sample", "--kind", "laplace", "--scale", "-1", "--count", "3"],
        ["mechanism", "sample", "--kind", "laplace", "--scale", "nan", "--count", "3"],
        ["mechanism", "sample", "--kind", "cauchy", "--scale", "1", "--count", "3"],
        ["mechanism", "sample", "--kind", "gaussian", "--scale", "1", "--count", "-3"],
        // A count beyond what one run holds trapped on allocation; a scale beyond 2^56 printed
        // saturated integers.
        ["mechanism", "sample", "--kind", "laplace", "--scale", "1", "--count", "10000000000"],
        ["mechanism", "sample", "--kind", "discrete-laplace", "--scale", "1e400", "--count", "3"],
        [
            "accountant", "epsilon", "--sampling-rate", "0.01", "--noise-multiplier", "0", "--steps", "10", "--delta",
            "1e-5",
        ],
        [
            "accountant", "epsilon", "--sampling-rate", "nan", "--noise-multiplier", "1", "--steps", "10", "--delta",
            "1e-5",
        ],
        [
            "accountant", "epsilon", "--sampling-rate", "0.01", "--noise-multiplier", "1", "--steps", "10", "--delta",
            "1",
        ],
        [
            "accountant", "epsilon", "--sampling-rate", "0.01", "--noise-multiplier", "1", "--steps", "10", "--delta",
            "0",
        ],
        [
            "accountant", "noise", "--target-epsilon", "0", "--sampling-rate", "0.01", "--steps", "10", "--delta",
            "1e-5",
        ],
        ["schema", "infer", "x.csv", "--dp", "--epsilon", "1e300"],
        // Minutes of search (a hostile pass): beyond the largest epsilon a fit accepts.
        [
            "accountant", "noise", "--target-epsilon", "1e6", "--sampling-rate", "0.01", "--steps", "10", "--delta",
            "1e-5",
        ],
        ["accountant", "zcdp", "--rho", "-1", "--delta", "1e-5"],
        ["accountant", "zcdp", "--rho", "1", "--epsilon", "1", "--delta", "1e-5"],
        ["ledger", "init", "--ledger", "/tmp/dpsynth-bad.sqlite", "--dataset", "x", "--epsilon", "0", "--delta", "0"],
        [
            "ledger", "charge", "--ledger", "/tmp/dpsynth-bad.sqlite", "--dataset", "x", "--mechanism", "m",
            "--epsilon", "inf",
        ],
        [
            "ledger", "charge", "--ledger", "/nonexistent-dir/l.sqlite", "--dataset", "x", "--mechanism", "m",
            "--epsilon", "1",
        ],
    ]

    @Test(arguments: badInvocations)
    func badInputGetsOneLineErrorAndNonZeroExit(arguments: [String]) throws {
        let result = try CommandRunner.run(arguments)
        #expect(result.status != 0)
        #expect(result.standardOutput.isEmpty)
        let lines = result.standardError.split(separator: "\n")
        #expect(lines.count == 1, "stderr: \(result.standardError)")
        #expect(lines.first?.hasPrefix("dpsynth: error:") == true)
    }
}
