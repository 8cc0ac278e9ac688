import DPLedger
import DPSources
import DPTestSupport
import Foundation
import Testing

/// The `dpsynth` binary reading its private tables from PostgreSQL: `synthesize` and `release`
/// take a table URL wherever they take a CSV file, and budgets bind to the table's identity.
@Suite(.enabled(if: TestPostgres.available, Comment(rawValue: TestPostgres.skipMessage)))
struct PostgresCommandTests {
    static let schema = """
        name: people
        columns:
          - {name: id, kind: identifier}
          - {name: age, kind: integer, lower: 18, upper: 89, bins: 8}
          - {name: region, kind: categorical, categories: [north, south, east, west]}
          - {name: job, kind: categorical, categories: [a, b, c]}
          - {name: outcome, kind: categorical, categories: ["no", "yes"]}

        """

    /// Rows where the job follows the region and the outcome follows the job.
    static func rows(_ count: Int, offset: Int) -> [[String?]] {
        let regions = ["north", "south", "east", "west"]
        return (0..<count).map { index in
            let i = index + offset
            let region = (i * 7) % 4
            let job = (i % 5 == 0) ? (i / 5) % 3 : region % 3
            let outcome = (job + (i % 3 == 0 ? 1 : 0)) >= 2 ? "yes" : "no"
            return ["\(i)", "\(18 + (i * 13) % 72)", regions[region], ["a", "b", "c"][job], outcome]
        }
    }

    static let columns = [("id", "int8"), ("age", "int4"), ("region", "text"), ("job", "text"), ("outcome", "text")]

    @Test func synthesizeReadsAPostgresTableAndBindsItsBudgetToTheTable() throws {
        let folder = try CommandRunner.temporaryDirectory()
        let url = try TestPostgres.table(columns: Self.columns, rows: Self.rows(800, offset: 0))
        let schema = folder.appendingPathComponent("s.yaml").path
        try Self.schema.write(toFile: schema, atomically: true, encoding: .utf8)
        let ledger = folder.appendingPathComponent("l.sqlite").path
        func run(_ data: String, _ extra: [String] = []) throws -> CommandRunner.Result {
            try CommandRunner.run(
                [
                    "synthesize", "--method", "aim", "--data", data, "--schema", schema, "--epsilon", "0.5",
                    "--rows", "50", "--out", folder.appendingPathComponent("s.csv").path, "--ledger", ledger,
                    "--iterations", "100",
                ] + extra)
        }
        let declared = try CommandRunner.run([
            "ledger", "init", "--ledger", ledger, "--dataset", "people", "--epsilon", "3", "--delta", "1e-8",
        ])
        #expect(declared.status == 0, "\(declared)")
        let first = try run(url)
        #expect(first.status == 0, "\(first)")
        let lines = try String(contentsOfFile: folder.appendingPathComponent("s.csv").path, encoding: .utf8)
            .split(separator: "\n")
        #expect(lines.count == 51 && lines[0] == "age,region,job,outcome")
        // The same table under other connection settings is the same data: the budget holds.
        let again = try run(url + "&application_name=dpsynth-test")
        #expect(again.status == 0, "\(again)")
        // Another table is other data: it gets no share of this budget without a declared version.
        let other = try TestPostgres.table(columns: Self.columns, rows: Self.rows(800, offset: 9))
        let refused = try run(other)
        #expect(refused.status == 1 && refused.standardError.contains("new-data-version"), "\(refused)")
    }

    /// A table and a file holding the same rows, read through one schema, are one data: whichever
    /// is budgeted first, the other (an export of the table, the file loaded into a table, or a
    /// table copied by `CREATE TABLE ... AS`) takes no budget of its own, and runs on it under the
    /// budget's own dataset are runs on the same data.
    @Test func aTableAndAFileOfItsRowsShareOneBudget() throws {
        let folder = try CommandRunner.temporaryDirectory()
        let rows = Self.rows(600, offset: 0)
        let file = folder.appendingPathComponent("people.csv").path
        // The export in another column order, without the identifier column.
        try (["outcome,job,region,age"] + rows.map { "\($0[4]!),\($0[3]!),\($0[2]!),\($0[1]!)" })
            .joined(separator: "\n").appending("\n").write(toFile: file, atomically: true, encoding: .utf8)
        let table = try TestPostgres.table(columns: Self.columns, rows: rows)
        let schema = folder.appendingPathComponent("s.yaml").path
        try Self.schema.write(toFile: schema, atomically: true, encoding: .utf8)
        func run(_ data: String, ledger: String, dataset: String, declare: Bool) throws -> CommandRunner.Result {
            let ledger = folder.appendingPathComponent(ledger).path
            if declare {
                let declared = try CommandRunner.run([
                    "ledger", "init", "--ledger", ledger, "--dataset", dataset, "--epsilon", "3", "--delta", "1e-8",
                ])
                #expect(declared.status == 0, "\(declared)")
            }
            return try CommandRunner.run([
                "synthesize", "--method", "mst", "--data", data, "--schema", schema, "--epsilon", "0.5",
                "--rows", "20", "--out", folder.appendingPathComponent("s.csv").path, "--ledger", ledger,
                "--dataset", dataset,
            ])
        }
        func refusedAsBudgeted(_ result: CommandRunner.Result, by owner: String) -> Bool {
            result.status == 1 && result.standardError.contains("under dataset '\(owner)'")
        }
        // The file first: the table is its data.
        #expect(try run(file, ledger: "a.sqlite", dataset: "file", declare: true).status == 0)
        let tableBudget = try run(table, ledger: "a.sqlite", dataset: "table", declare: true)
        #expect(refusedAsBudgeted(tableBudget, by: "file"), "\(tableBudget)")
        let sameData = try run(table, ledger: "a.sqlite", dataset: "file", declare: false)
        #expect(sameData.status == 0, "\(sameData)")

        // The table first: its export and its copy in another table are its data.
        #expect(try run(table, ledger: "b.sqlite", dataset: "table", declare: true).status == 0)
        let fileBudget = try run(file, ledger: "b.sqlite", dataset: "file", declare: true)
        #expect(refusedAsBudgeted(fileBudget, by: "table"), "\(fileBudget)")
        let name = try #require(table.split(separator: "=").last)
        let copy = table.replacingOccurrences(of: String(name), with: name + "_copy")
        let admin = try PostgresConnection(url: TestPostgres.servers[0], label: "test")
        try admin.execute("CREATE TABLE \(name)_copy AS SELECT * FROM \(name)", what: "copying")
        let copyBudget = try run(copy, ledger: "b.sqlite", dataset: "copy", declare: true)
        #expect(refusedAsBudgeted(copyBudget, by: "table"), "\(copyBudget)")
    }

    /// A budget an earlier build bound to a table knew it by its relations alone, so an export of
    /// the table to a file could take a budget of its own. Such a budget now holds new data back
    /// until `ledger forms` reads the table through a schema, where it lives; the export is then
    /// refused as the table's data.
    @Test func ledgerFormsReviewsATablesBudget() throws {
        let folder = try CommandRunner.temporaryDirectory()
        let rows = Self.rows(300, offset: 0)
        let table = try TestPostgres.table(columns: Self.columns, rows: rows)
        let export = folder.appendingPathComponent("export.csv").path
        try ([Self.columns.map(\.0).joined(separator: ",")] + rows.map { $0.map { $0 ?? "" }.joined(separator: ",") })
            .joined(separator: "\n").appending("\n").write(toFile: export, atomically: true, encoding: .utf8)
        let schema = folder.appendingPathComponent("s.yaml").path
        try Self.schema.write(toFile: schema, atomically: true, encoding: .utf8)
        let ledger = folder.appendingPathComponent("l.sqlite").path
        try BudgetLedger(path: ledger).initialise(
            dataset: "t", epsilon: 3, delta: 1e-8, fingerprint: try DataSource(table, key: "--data").fingerprint())
        let earlier = try Python.makeLedgerOfAnEarlierBuild(ledger)
        #expect(earlier == 0)
        let declared = try CommandRunner.run([
            "ledger", "init", "--ledger", ledger, "--dataset", "c", "--epsilon", "3", "--delta", "1e-8",
        ])
        #expect(declared.status == 0, "\(declared)")
        func synthesizeExport() throws -> CommandRunner.Result {
            try CommandRunner.run([
                "synthesize", "--method", "mst", "--data", export, "--schema", schema, "--epsilon", "0.5",
                "--rows", "20", "--out", folder.appendingPathComponent("s.csv").path, "--ledger", ledger,
                "--dataset", "c",
            ])
        }
        let early = try synthesizeExport()
        #expect(early.status == 1 && early.standardError.contains("ledger forms"), "\(early)")
        let forms = try CommandRunner.run([
            "ledger", "forms", "--ledger", ledger, "--dataset", "t", "--data", table, "--schema", schema,
        ])
        #expect(forms.status == 0 && forms.standardOutput.contains("every form read here"), "\(forms)")
        let refused = try synthesizeExport()
        #expect(refused.status == 1 && refused.standardError.contains("under dataset 't'"), "\(refused)")
        #expect(try BudgetLedger.verify(path: ledger).intact)
    }

    /// A table split over the two test servers: `--shard` adds the second part, each server
    /// counts its own rows, and the budget binds to both parts together.
    @Test(.enabled(if: TestPostgres.servers.count >= 2)) func synthesizeCountsShardsOnTwoServers() throws {
        let folder = try CommandRunner.temporaryDirectory()
        let rows = Self.rows(1200, offset: 0)
        let east = try TestPostgres.table(server: 0, columns: Self.columns, rows: Array(rows[..<600]))
        let west = try TestPostgres.table(server: 1, columns: Self.columns, rows: Array(rows[600...]))
        let schema = folder.appendingPathComponent("s.yaml").path
        try Self.schema.write(toFile: schema, atomically: true, encoding: .utf8)
        let out = folder.appendingPathComponent("s.csv").path
        let result = try CommandRunner.run([
            "synthesize", "--method", "mst", "--data", east, "--shard", west, "--schema", schema, "--epsilon", "1",
            "--rows", "40", "--out", out, "--ledger", folder.appendingPathComponent("l.sqlite").path,
            "--init-budget", "--iterations", "100",
        ])
        #expect(result.status == 0, "\(result)")
        #expect(try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n").count == 41)
        let mixed = try CommandRunner.run([
            "synthesize", "--method", "mst", "--data", out, "--shard", west, "--schema", schema, "--epsilon", "1",
            "--rows", "40", "--out", folder.appendingPathComponent("t.csv").path,
        ])
        #expect(mixed.status == 1 && mixed.standardError.contains("shards must all be PostgreSQL"), "\(mixed)")
    }

    /// The same rows released from PostgreSQL and from CSV with one seed give the same synthetic
    /// table byte for byte (the database's codes and counts are the CSV reader's).
    @Test func aReleaseFromPostgresEqualsTheSameRowsFromCSV() throws {
        let folder = try CommandRunner.temporaryDirectory()
        let trainRows = Self.rows(1200, offset: 0)
        let holdoutRows = Self.rows(500, offset: 7000)
        let header = Self.columns.map(\.0).joined(separator: ",")
        func csv(_ rows: [[String?]], _ name: String) throws -> String {
            let path = folder.appendingPathComponent(name).path
            try ([header] + rows.map { $0.map { $0 ?? "" }.joined(separator: ",") }).joined(separator: "\n")
                .appending("\n").write(toFile: path, atomically: true, encoding: .utf8)
            return path
        }
        try Self.schema.write(to: folder.appendingPathComponent("schema.yaml"), atomically: true, encoding: .utf8)
        let sources = [
            (
                "pg", try TestPostgres.table(columns: Self.columns, rows: trainRows),
                try TestPostgres.table(columns: Self.columns, rows: holdoutRows)
            ),
            ("csv", try csv(trainRows, "train.csv"), try csv(holdoutRows, "holdout.csv")),
        ]
        var tables: [String] = []
        for (name, train, holdout) in sources {
            let config = folder.appendingPathComponent("\(name).yaml")
            try """
            data: "\(train)"
            holdout: "\(holdout)"
            schema: schema.yaml
            method: aim
            epsilon: 1
            delta: 1e-9
            iterations: 100
            ledger: \(name)/ledger.sqlite
            dataset_budget: {epsilon: 3, delta: 1e-8}
            out: \(name)/synthetic.csv
            report: \(name)/report
            seed: 17
            audit: {secrets: [outcome], quasi_identifiers: [age, region]}

            """.write(to: config, atomically: true, encoding: .utf8)
            let result = try CommandRunner.run(["release", "--config", config.path])
            #expect(result.status == 3, "seeded runs are quarantined: \(result)")
            tables.append(
                try String(
                    contentsOfFile: folder.appendingPathComponent("\(name)/quarantine/synthetic.csv").path,
                    encoding: .utf8))
        }
        #expect(tables[0] == tables[1] && !tables[0].isEmpty)
    }

    /// `schema infer` reads a table: the plain proposal (census tokens and whole numbers as for
    /// CSV) and the DP variant, which is charged to the ledger first.
    @Test func schemaInferReadsATable() throws {
        let folder = try CommandRunner.temporaryDirectory()
        let url = try TestPostgres.table(
            columns: [("income", "text"), ("hours", "int4"), ("state", "text")],
            rows: (0..<300).map { (index: Int) -> [String?] in
                let income: String = index % 7 == 0 ? "N" : "\(1000 + index * 10).0"
                let hours: String? = index % 5 == 0 ? nil : "\(20 + index % 40)"
                let state: String = ["ny", "ca", "tx"][index % 3]
                return [income, hours, state]
            })
        let plain = try CommandRunner.run(["schema", "infer", url, "--dataset", "census"])
        #expect(plain.status == 0, "\(plain)")
        #expect(plain.standardOutput.contains(#"{name: "income", kind: integer"#), "\(plain.standardOutput)")
        #expect(plain.standardOutput.contains("\"N\""), "\(plain.standardOutput)")
        #expect(plain.standardOutput.contains(#"categories: ["ca", "ny", "tx"]"#), "\(plain.standardOutput)")
        let ledger = folder.appendingPathComponent("l.sqlite").path
        let declared = try CommandRunner.run([
            "ledger", "init", "--ledger", ledger, "--dataset", "census", "--epsilon", "2", "--delta", "1e-6",
        ])
        #expect(declared.status == 0)
        let learned = try CommandRunner.run([
            "schema", "infer", url, "--dataset", "census", "--dp", "--epsilon", "1", "--numeric", "hours",
            "--ledger", ledger,
        ])
        #expect(learned.status == 0 && learned.standardOutput.contains(#"name: "hours""#), "\(learned)")
        // A table's names come from the catalog, not from a line that could be a row.
        #expect(!learned.standardOutput.contains("review:"), "\(learned)")
        let shown = try CommandRunner.run(["ledger", "show", "--ledger", ledger, "--dataset", "census", "--json"])
        #expect(shown.standardOutput.contains("dp-schema-inference"), "\(shown)")
    }

    /// `schema infer --dp` refuses, before it charges, an output it cannot write and a table the
    /// budget was not declared for; `schema check` checks a table where it lives.
    @Test func schemaCommandsCheckBeforeTheyCharge() throws {
        let folder = try CommandRunner.temporaryDirectory()
        let url = try TestPostgres.table(columns: Self.columns, rows: Self.rows(200, offset: 0))
        let other = try TestPostgres.table(columns: Self.columns, rows: Self.rows(200, offset: 3))
        let ledger = folder.appendingPathComponent("l.sqlite").path
        let schema = folder.appendingPathComponent("s.yaml").path
        try Self.schema.write(toFile: schema, atomically: true, encoding: .utf8)
        // The budget is bound to `url` by the first run that reads it.
        let declared = try CommandRunner.run([
            "ledger", "init", "--ledger", ledger, "--dataset", "people", "--epsilon", "3", "--delta", "1e-4",
        ])
        #expect(declared.status == 0, "\(declared)")
        let bound = try CommandRunner.run([
            "synthesize", "--method", "mst", "--data", url, "--schema", schema, "--epsilon", "0.5", "--rows", "10",
            "--out", folder.appendingPathComponent("s.csv").path, "--ledger", ledger,
        ])
        #expect(bound.status == 0, "\(bound)")
        func charges() throws -> Int {
            let shown = try CommandRunner.run(["ledger", "show", "--ledger", ledger, "--dataset", "people", "--json"])
            return shown.standardOutput.components(separatedBy: "\"mechanism\"").count - 1
        }
        let before = try charges()
        func infer(_ data: String, out: String) throws -> CommandRunner.Result {
            try CommandRunner.run([
                "schema", "infer", data, "--dataset", "people", "--dp", "--epsilon", "0.5", "--ledger", ledger,
                "--out", out,
            ])
        }
        let unwritable = try infer(url, out: folder.appendingPathComponent("no/such/folder/s.yaml").path)
        #expect(unwritable.status == 1, "\(unwritable)")
        let otherData = try infer(other, out: folder.appendingPathComponent("o.yaml").path)
        #expect(otherData.status == 1 && otherData.standardError.contains("differs"), "\(otherData)")
        #expect(try charges() == before, "a refused run charged the budget")
        let learned = try infer(url, out: folder.appendingPathComponent("ok.yaml").path)
        let after = try charges()
        #expect(learned.status == 0 && after == before + 1, "\(learned)")

        let checked = try CommandRunner.run(["schema", "check", "--data", url, "--schema", schema, "--json"])
        #expect(checked.status == 0 && checked.standardOutput.contains("\"rows\":200"), "\(checked)")
    }

    @Test func aReleaseReadsTrainingAndHoldoutFromPostgres() throws {
        let folder = try CommandRunner.temporaryDirectory()
        let train = try TestPostgres.table(columns: Self.columns, rows: Self.rows(1500, offset: 0))
        let holdout = try TestPostgres.table(columns: Self.columns, rows: Self.rows(700, offset: 5000))
        try Self.schema.write(to: folder.appendingPathComponent("schema.yaml"), atomically: true, encoding: .utf8)
        func config(holdout: String) -> String {
            """
            data: "\(train)"
            holdout: "\(holdout)"
            schema: schema.yaml
            method: mst
            epsilon: 1
            delta: 1e-9
            iterations: 100
            ledger: out/ledger.sqlite
            dataset_budget: {epsilon: 3, delta: 1e-8}
            out: out/synthetic.csv
            quarantine: out/quarantine
            report: out/report
            audit: {secrets: [outcome], quasi_identifiers: [age, region]}
            utility: {target: outcome, positive: "yes"}

            """
        }
        let path = folder.appendingPathComponent("release.yaml")
        try config(holdout: train).write(to: path, atomically: true, encoding: .utf8)
        let same = try CommandRunner.run(["release", "--config", path.path])
        #expect(same.status == 1 && same.standardError.contains("the training table itself"), "\(same)")
        // An export of the training table to a file holds its rows: refused too, before the ledger.
        let export = folder.appendingPathComponent("export.csv").path
        try
            ([Self.columns.map(\.0).joined(separator: ",")]
            + Self.rows(1500, offset: 0).map { $0.map { $0 ?? "" }.joined(separator: ",") })
            .joined(separator: "\n").appending("\n").write(toFile: export, atomically: true, encoding: .utf8)
        try config(holdout: export).write(to: path, atomically: true, encoding: .utf8)
        let exported = try CommandRunner.run(["release", "--config", path.path])
        #expect(exported.status == 1 && exported.standardError.contains("the training table itself"), "\(exported)")
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("out/ledger.sqlite").path))
        try config(holdout: holdout).write(to: path, atomically: true, encoding: .utf8)
        let release = try CommandRunner.run(["release", "--config", path.path])
        #expect(release.status == 0 || release.status == 3, "\(release)")
        let report =
            try JSONSerialization.jsonObject(
                with: Data(contentsOf: folder.appendingPathComponent("out/report.json"))) as? [String: Any]
        let provenance = report?["provenance"] as? [String: Any]
        let table = String(train.split(separator: "=").last ?? "")
        #expect(provenance?["inputFile"] as? String == table, "\(provenance ?? [:])")
    }

    /// `evaluate` reads every one of its tables from PostgreSQL, the synthetic one included, and
    /// `data count` (which counts a file's records) refuses a URL in one line, naming the
    /// command that counts a table.
    @Test func evaluateReadsTablesAndDataCountRefusesThem() throws {
        let folder = try CommandRunner.temporaryDirectory()
        let schema = folder.appendingPathComponent("schema.yaml").path
        try Self.schema.write(toFile: schema, atomically: true, encoding: .utf8)
        let train = try TestPostgres.table(columns: Self.columns, rows: Self.rows(400, offset: 0))
        let holdout = try TestPostgres.table(columns: Self.columns, rows: Self.rows(200, offset: 5000))
        let synthetic = try TestPostgres.table(columns: Self.columns, rows: Self.rows(300, offset: 9000))
        let evaluated = try CommandRunner.run([
            "evaluate", "--train", train, "--holdout", holdout, "--synthetic", synthetic, "--schema", schema,
            "--target", "outcome", "--positive", "yes", "--json",
        ])
        #expect(evaluated.status == 0, "\(evaluated)")
        let summary = try JSONSerialization.jsonObject(with: Data(evaluated.standardOutput.utf8)) as? [String: Any]
        #expect(summary?.isEmpty == false, "\(evaluated.standardOutput)")

        let counted = try CommandRunner.run(["data", "count", train])
        #expect(counted.status == 1 && counted.standardError.contains("schema check --data URL"), "\(counted)")
        #expect(counted.standardError.split(separator: "\n").count == 1)
    }
}
