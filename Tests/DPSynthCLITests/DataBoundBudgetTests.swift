import DPData
import DPLedger
import DPTestSupport
import Foundation
import Testing

/// A budget belongs to the data it was declared for: a new name or a changed file gets no fresh
/// budget (each of these used to start one).
@Suite struct DataBoundBudgetTests {
    /// A small `synthesize` run of `data` at epsilon 0.5, charged to `ledger`.
    static func synthesize(
        _ data: String, schema: String, ledger: String, in folder: URL, _ extra: [String]
    ) throws -> CommandRunner.Result {
        try CommandRunner.run(
            [
                "synthesize", "--method", "independent", "--data", data, "--schema", schema, "--ledger", ledger,
                "--epsilon", "0.5", "--rows", "5", "--out", folder.appendingPathComponent("s.csv").path,
            ] + extra)
    }

    /// A budget an earlier build bound to its file's bytes alone (or by digests this version no
    /// longer computes) did not know a copy in another form, which took a budget of its own. Such
    /// a budget now holds new data back until `ledger forms` records the file's forms, charging
    /// nothing; the copy is then refused as the budget's data.
    @Test func ledgerFormsTeachesAnOlderBudgetItsData() throws {
        let folder = try CommandRunner.temporaryDirectory()
        let (data, schema) = try CodedPairTable.write(rows: 60, in: folder)
        let copy = folder.appendingPathComponent("copy.csv").path
        try String(contentsOfFile: data, encoding: .utf8).replacingOccurrences(of: "\n", with: "\r\n")
            .write(toFile: copy, atomically: true, encoding: .utf8)
        let ledger = folder.appendingPathComponent("l.sqlite").path
        try BudgetLedger(path: ledger).initialise(
            dataset: "t", epsilon: 2, delta: 1e-8, fingerprint: try Blake2b.hex(file: data))
        let earlier = try Python.makeLedgerOfAnEarlierBuild(ledger)
        #expect(earlier == 0)
        let shown = try CommandRunner.run(["ledger", "show", "--ledger", ledger, "--dataset", "t"])
        #expect(shown.standardOutput.contains("awaiting forms review") && shown.standardOutput.contains("'t'"))
        let early = try Self.synthesize(
            copy, schema: schema, ledger: ledger, in: folder, ["--init-budget", "--dataset", "c"])
        #expect(early.status == 1 && early.standardError.contains("ledger forms"), "\(early)")
        let withoutSchema = try CommandRunner.run([
            "ledger", "forms", "--ledger", ledger, "--dataset", "t", "--data", data,
        ])
        #expect(withoutSchema.status == 0 && withoutSchema.standardOutput.contains("--schema"), "\(withoutSchema)")
        let forms = try CommandRunner.run([
            "ledger", "forms", "--ledger", ledger, "--dataset", "t", "--data", data, "--schema", schema,
        ])
        #expect(
            forms.status == 0 && forms.standardOutput.contains("every form read here; nothing was charged"),
            "\(forms)")
        let reviewed = try CommandRunner.run(["ledger", "show", "--ledger", ledger, "--dataset", "t", "--json"])
        let object = try JSONSerialization.jsonObject(with: Data(reviewed.standardOutput.utf8)) as? [String: Any]
        #expect((object?["awaiting_forms_review"] as? [String]) == [], "\(reviewed)")
        let copied = try Self.synthesize(
            copy, schema: schema, ledger: ledger, in: folder, ["--init-budget", "--dataset", "c"])
        #expect(copied.status == 1 && copied.standardError.contains("under dataset 't'"), "\(copied)")
        #expect(try BudgetLedger(path: ledger).statement(dataset: "t").charges.isEmpty)
        // Other data is refused, and nothing is recorded for it.
        let other = folder.appendingPathComponent("other.csv").path
        try "a,b\n1,1\n0,1\n".write(toFile: other, atomically: true, encoding: .utf8)
        let refused = try CommandRunner.run([
            "ledger", "forms", "--ledger", ledger, "--dataset", "t", "--data", other, "--schema", schema,
        ])
        #expect(refused.status == 1 && refused.standardError.contains("no digest of it matches"), "\(refused)")
    }

    /// A budget an earlier build bound to two files awaits a review of each: `ledger forms` on one
    /// says the other still awaits (it said to add --schema, which had been given).
    @Test func ledgerFormsSaysWhichFilesStillAwait() throws {
        let folder = try CommandRunner.temporaryDirectory()
        let (data, schema) = try CodedPairTable.write(rows: 60, in: folder)
        let other = folder.appendingPathComponent("other.csv").path
        try "a,b\n1,1\n0,1\n".write(toFile: other, atomically: true, encoding: .utf8)
        let ledger = folder.appendingPathComponent("l.sqlite").path
        let budget = try BudgetLedger(path: ledger)
        try budget.initialise(dataset: "t", epsilon: 2, delta: 1e-8, fingerprint: try Blake2b.hex(file: data))
        let version = try budget.checkData(
            dataset: "t", fingerprint: try Blake2b.hex(file: other), declareNewVersion: true)
        try budget.charge(dataset: "t", mechanism: "m", cost: .pure(epsilon: 0.1), seeded: true, declaring: version)
        let earlier = try Python.makeLedgerOfAnEarlierBuild(ledger)
        #expect(earlier == 0)
        let forms = try CommandRunner.run([
            "ledger", "forms", "--ledger", ledger, "--dataset", "t", "--data", data, "--schema", schema,
        ])
        #expect(
            forms.status == 0 && forms.standardOutput.contains("other data (files or tables) an earlier dpsynth bound")
                && !forms.standardOutput.contains("--schema"), "\(forms)")
        #expect(try BudgetLedger(path: ledger).datasetsAwaitingFormsReview() == ["t"])
    }

    @Test func theSameDataGetsNoSecondBudgetAndChangedDataNeedsADeclaredVersion() throws {
        let folder = try CommandRunner.temporaryDirectory()
        let (data, schema) = try CodedPairTable.write(rows: 60, in: folder)
        let ledger = folder.appendingPathComponent("l.sqlite").path
        func run(_ extra: [String]) throws -> CommandRunner.Result {
            try Self.synthesize(data, schema: schema, ledger: ledger, in: folder, extra)
        }
        let declared = try CommandRunner.run([
            "ledger", "init", "--ledger", ledger, "--dataset", "t", "--epsilon", "2", "--delta", "1e-8",
        ])
        #expect(declared.status == 0, "\(declared)")
        // The first run binds the budget (declared without data) to its data.
        #expect(try run([]).status == 0)
        let renamed = try run(["--init-budget", "--dataset", "another-name"])
        #expect(renamed.status == 1 && renamed.standardError.contains("under dataset 't'"), "\(renamed)")
        // The same budget, the same data: fine.
        #expect(try run([]).status == 0)
        // Changed data against the old budget: refused, unless declared as a new version.
        try ("a,b\n" + (0..<61).map { "\($0 % 3),\($0 % 2)" }.joined(separator: "\n") + "\n")
            .write(toFile: data, atomically: true, encoding: .utf8)
        let changed = try run([])
        #expect(changed.status == 1 && changed.standardError.contains("new-data-version"), "\(changed)")
        let shown = try CommandRunner.run(["ledger", "show", "--ledger", ledger, "--dataset", "t", "--json"])
        let statement = try JSONSerialization.jsonObject(with: Data(shown.standardOutput.utf8)) as? [String: Any]
        #expect((statement?["charges"] as? [Any])?.count == 2, "refused runs charged nothing")
        // A statement says which of its figures are DP (a gate's charge holds a real file's hash).
        #expect(
            (statement?["notice"] as? String)?.contains("of real data (a file's or a table's rows): confidential")
                == true)
        let text = try CommandRunner.run(["ledger", "show", "--ledger", ledger, "--dataset", "t"])
        #expect(text.standardOutput.contains("note: the costs and totals are differentially private"), "\(text)")
        let version = try run(["--new-data-version"])
        #expect(version.status == 0, "\(version)")
        #expect(try run([]).status == 0, "the declared version is covered from now on")
        #expect(try BudgetLedger.verify(path: ledger).intact)
    }

    /// A copy of the data saved in another form (CRLF line ends, rows reversed, columns swapped,
    /// codes spelt otherwise) is the same people's data: it gets no budget of its own, and runs
    /// against the data's budget without a new version being declared.
    @Test func aCopyInAnotherFormGetsNoSecondBudget() throws {
        let folder = try CommandRunner.temporaryDirectory()
        let (data, schema) = try CodedPairTable.write(rows: 60, in: folder)
        let ledger = folder.appendingPathComponent("l.sqlite").path
        func run(_ file: String, _ extra: [String]) throws -> CommandRunner.Result {
            try Self.synthesize(file, schema: schema, ledger: ledger, in: folder, extra)
        }
        let declared = try CommandRunner.run([
            "ledger", "init", "--ledger", ledger, "--dataset", "t", "--epsilon", "5", "--delta", "1e-8",
        ])
        #expect(declared.status == 0, "\(declared)")
        let first = try run(data, ["--dataset", "t"])
        #expect(first.status == 0, "\(first)")
        let lines = try String(contentsOfFile: data, encoding: .utf8).split(separator: "\n").map(String.init)
        let swapped = lines.map { $0.split(separator: ",").reversed().joined(separator: ",") }
        // Codes spelt otherwise (a leading zero, a plus sign): the rows the generator reads are the same.
        let respelt =
            [lines[0]] + lines.dropFirst().map { "0\($0.split(separator: ",")[0]),+\($0.split(separator: ",")[1])" }
        let copies = [
            respelt.joined(separator: "\n") + "\n",
            lines.joined(separator: "\r\n") + "\r\n",
            ([lines[0]] + lines.dropFirst().reversed()).joined(separator: "\n"),
            swapped.joined(separator: "\n") + "\n",
        ]
        for (index, text) in copies.enumerated() {
            let copy = folder.appendingPathComponent("copy\(index).csv").path
            try text.write(toFile: copy, atomically: true, encoding: .utf8)
            let second = try run(copy, ["--init-budget", "--dataset", "copy\(index)"])
            #expect(second.status == 1 && second.standardError.contains("under dataset 't'"), "\(index): \(second)")
            let same = try run(copy, ["--dataset", "t"])
            #expect(same.status == 0, "\(index): \(same)")
        }
    }

    /// A DP schema proposal refused before it reads a value (here a file without its header
    /// row) binds no data to the budget: once the header is added, the file is not "changed data".
    @Test func aRefusedProposalBindsNoData() throws {
        let folder = try CommandRunner.temporaryDirectory()
        let data = folder.appendingPathComponent("d.csv").path
        let rows = (0..<80).map { "\($0 % 7),\($0 % 2 == 0 ? "x" : "y")" }.joined(separator: "\n") + "\n"
        try rows.write(toFile: data, atomically: true, encoding: .utf8)
        let ledger = folder.appendingPathComponent("l.sqlite").path
        let declared = try CommandRunner.run([
            "ledger", "init", "--ledger", ledger, "--dataset", "t", "--epsilon", "2", "--delta", "1e-6",
        ])
        #expect(declared.status == 0, "\(declared)")
        func infer() throws -> CommandRunner.Result {
            try CommandRunner.run([
                "schema", "infer", data, "--dataset", "t", "--dp", "--epsilon", "0.5", "--delta", "1e-7",
                "--ledger", ledger, "--out", folder.appendingPathComponent("s.yaml").path,
            ])
        }
        let headerless = try infer()
        #expect(headerless.status != 0 && headerless.standardError.contains("d.csv:1:1"), "\(headerless)")
        // A malformed row is refused before the charge (found by a review: it failed after it).
        let head = try BudgetLedger(path: ledger).statement(dataset: "t").head
        try ("n,c\n" + rows + "1,x,extra\n").write(toFile: data, atomically: true, encoding: .utf8)
        let ragged = try infer()
        #expect(ragged.status != 0 && ragged.standardError.contains("d.csv:82"), "\(ragged)")
        #expect(try BudgetLedger(path: ledger).statement(dataset: "t").head == head, "the ledger was touched")
        // A header whose schema would not load, and a share of epsilon too small for the
        // mechanisms, are refused before the charge too (a helper's pass: both were charged).
        for (header, epsilon) in [
            ("n,n", "0.5"), ("n,", "0.5"), ("n,c\u{0}", "0.5"), ("n,c", "1e-18"), ("n,c", "3e-17"),
        ] {
            try ("\(header)\n" + rows).write(toFile: data, atomically: true, encoding: .utf8)
            let refused = try CommandRunner.run([
                "schema", "infer", data, "--dataset", "t", "--dp", "--epsilon", epsilon, "--delta", "1e-60",
                "--ledger", ledger, "--out", folder.appendingPathComponent("s.yaml").path,
            ])
            #expect(refused.status == 1 && refused.standardError.contains("d.csv"), "\(header) \(epsilon): \(refused)")
            #expect(try BudgetLedger(path: ledger).statement(dataset: "t").head == head, "\(header) \(epsilon)")
        }
        try ("n,c\n" + rows).write(toFile: data, atomically: true, encoding: .utf8)
        let named = try infer()
        #expect(named.status == 0, "\(named)")
        // The names come from the file's first line: the proposal waits for a reviewer to check
        // it is the header (a file without one, all words, would publish a row as the names).
        let proposal = folder.appendingPathComponent("s.yaml").path
        let checked = try CommandRunner.run(["schema", "check", "--data", data, "--schema", proposal])
        #expect(checked.status == 1 && checked.standardError.contains("first line"), "\(checked)")
        // A line break in a name the comment quotes still gives a schema that loads.
        let yaml = SchemaWriter.yaml(
            Schema(name: "t", columns: [Column(name: "n", kind: .coded(levels: 2))]), comment: ["from a\nb.csv"])
        let written = folder.appendingPathComponent("broken\nname.yaml").path
        try yaml.write(toFile: written, atomically: true, encoding: .utf8)
        #expect(try SchemaLoader.load(path: written).columns.count == 1)
    }

    @Test func theDefaultLedgerIsPerUserNotPerFolder() {
        let previous = ProcessInfo.processInfo.environment["DPSYNTH_LEDGER"]
        unsetenv("DPSYNTH_LEDGER")
        defer { if let previous { setenv("DPSYNTH_LEDGER", previous, 1) } }
        let path = LedgerLocation.defaultPath
        #expect(path.hasPrefix("/"), "an absolute path, whatever the working directory")
        #expect(path.hasSuffix("dpsynth/ledger.sqlite"))
    }
}

/// Concurrent runs on one budget: each either finishes or is refused before it charges anything
/// (a losing run used to record part of its step-by-step charges).
@Suite struct ConcurrentRunTests {
    @Test func concurrentRunsNeverLeaveChargesOfARunThatFailed() throws {
        let folder = try CommandRunner.temporaryDirectory()
        let data = folder.appendingPathComponent("t.csv").path
        try ("a,b,c,d\n" + (0..<2000).map { "\($0 % 3),\($0 % 5),\($0 % 7),\($0 % 2)" }.joined(separator: "\n") + "\n")
            .write(toFile: data, atomically: true, encoding: .utf8)
        let schema = folder.appendingPathComponent("t.yaml").path
        try """
        name: t
        columns:
          - {name: a, kind: coded, levels: 3}
          - {name: b, kind: coded, levels: 5}
          - {name: c, kind: coded, levels: 7}
          - {name: d, kind: coded, levels: 2}
        """.write(toFile: schema, atomically: true, encoding: .utf8)
        let ledger = folder.appendingPathComponent("l.sqlite").path
        #expect(
            try CommandRunner.run([
                "ledger", "init", "--ledger", ledger, "--dataset", "t", "--epsilon", "1", "--delta", "1e-8",
            ]).status == 0)
        let runs = (0..<4).map { index in
            let process = Process()
            process.executableURL = CommandRunner.executable
            process.arguments = [
                "synthesize", "--method", "mst", "--data", data, "--schema", schema, "--ledger", ledger,
                "--epsilon", "0.8", "--delta", "1e-9", "--rows", "10", "--iterations", "50",
                "--out", folder.appendingPathComponent("s\(index).csv").path,
            ]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            return process
        }
        for run in runs { try run.run() }
        for run in runs { run.waitUntilExit() }
        let finished = runs.filter { $0.terminationStatus == 0 }.count
        #expect(finished == 1, "one run of 0.8 fits a total of 1; two do not, even in zCDP")
        let shown = try CommandRunner.run(["ledger", "show", "--ledger", ledger, "--dataset", "t", "--json"])
        let statement = try JSONSerialization.jsonObject(with: Data(shown.standardOutput.utf8)) as? [String: Any]
        // MST on 4 columns charges 1 + 3 + 1 times per run.
        #expect((statement?["charges"] as? [Any])?.count == finished * 5, "\(shown.standardOutput)")
        #expect(try BudgetLedger.verify(path: ledger).intact)
    }
}
