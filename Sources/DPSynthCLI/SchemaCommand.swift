import ArgumentParser
import DPAccounting
import DPData
import DPLedger
import DPRandomness
import DPRelease
import DPSources
import Foundation

struct SchemaCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schema",
        abstract: "Propose or check a table schema.",
        subcommands: [Infer.self, Check.self]
    )

    struct Infer: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Propose a schema from a CSV file or a PostgreSQL table (from the private data, or learned "
                + "with DP and charged).")

        @Argument(help: "The CSV file (with a header row), or a postgresql://...?table=SCHEMA.TABLE URL.")
        var data: String

        @Option(help: "Write the YAML here (atomically) instead of standard output.")
        var out: String?

        @Option(help: "Dataset name for the schema and the ledger.")
        var dataset: String = "dataset"

        @Flag(help: "Learn categories and bounds under differential privacy, charged to the ledger.")
        var dp = false

        @Option(parsing: .unconditional, help: "With --dp: total epsilon for the inference.")
        var epsilon: Double?

        @Option(
            name: .customLong("delta"), parsing: .unconditional,
            help: "With --dp: total delta for the inference (default: 1e-06).")
        var deltaOption: Double?
        var delta: Double { deltaOption ?? 1e-6 }

        @Option(help: "With --dp: comma-separated columns to treat as numeric (a public choice).")
        var numeric: String = ""

        @Option(help: "With --dp: comma-separated --numeric columns of whole numbers (public), bounds rounded outward.")
        var integer: String = ""

        @Option(
            name: .customLong("ledger"),
            help: ArgumentHelp(
                "With --dp: the ledger (a file, or a postgresql:// URL shared by several analysts; default: "
                    + "\(LedgerLocation.defaultPath))."))
        var ledgerOption: String?
        var ledger: String { ledgerOption ?? LedgerLocation.defaultPath }

        @Option(parsing: .unconditional, help: "With --dp: seed for a reproducible test run (never for a release).")
        var seed: UInt64?

        func validate() throws {
            if dp {
                guard let epsilon else { throw ValidationError("--dp needs a positive --epsilon") }
                try DPSynthCLI.Check.epsilon(epsilon, "--epsilon")
                guard delta.isFinite, delta > 0, delta < 1 else {
                    throw ValidationError("--delta must lie strictly between 0 and 1 (got \(delta))")
                }
            } else {
                // The plain proposal reads every setting below from the values themselves.
                for (option, given) in [
                    ("--epsilon", epsilon != nil), ("--numeric", !numeric.isEmpty), ("--integer", !integer.isEmpty),
                    ("--seed", seed != nil), ("--delta", deltaOption != nil), ("--ledger", ledgerOption != nil),
                ] where given {
                    throw ValidationError("\(option) applies only with --dp")
                }
            }
        }

        func run() throws {
            do {
                try OutputPaths.refuseOverlap(
                    outputs: [("--out", out)], inputs: [("the data", data), ("--ledger", dp ? ledger : nil)])
                let schema: Schema
                var comment: [String]
                if dp {
                    let source = seed.map(RandomSource.seeded) ?? .secure()
                    if source.isSeeded { Output.note("dpsynth: \(source.label)") }
                    let columns = Set(
                        numeric.isEmpty ? [] : try CommaList.items(numeric, option: "--numeric", example: "age,hours"))
                    let integers = Set(
                        integer.isEmpty ? [] : try CommaList.items(integer, option: "--integer", example: "age"))
                    // Nothing that can fail without reading the data may fail after the charge; the
                    // budget covers only the data it was declared for.
                    try OutputPaths.refuseUnwritable([("--out", out)])
                    let table = try DataSource(data, key: "data")
                    let identity = try table.identity()
                    let reader = try table.proposalReader(boundTo: identity)
                    // Before the ledger is opened: no data version is recorded for a request refused
                    // or a table that cannot be read.
                    try SchemaInference.checkDPRequest(
                        header: reader.header, file: data, numeric: columns, integer: integers, epsilon: epsilon!,
                        delta: delta)
                    let rows = try reader.read(.differentiallyPrivate(numeric: columns))
                    try SchemaInference.refuseNoRows(rows, file: data)
                    let budget = try BudgetStage.open(
                        ledger: ledger, dataset: dataset, declare: nil, hint: .ledgerInit,
                        fingerprint: try identity.fingerprint)
                    let proposal = try SchemaInference.proposalWithDP(
                        header: reader.header, file: data, table: rows, name: dataset, numeric: columns,
                        integer: integers,
                        epsilon: epsilon!, delta: delta, budget: budget, source: source)
                    schema = proposal.schema
                    // The identity's locks were held while the values were read (`DataIdentity`).
                    identity.releaseLocks()
                    comment = [
                        "Learned from \(data) under (\(epsilon!), \(delta))-DP, charged to "
                            + "dataset '\(dataset)' in \(ledger).",
                        "Categories: thresholded DP histogram; bounds: the outermost bins of a DP histogram "
                            + "over 0, ±1, 2, 5·10^k, narrowed to DP 1% and 99% quantiles when the",
                        "noisy row count is large enough for them (values outside the bounds are clamped).",
                        source.isSeeded
                            ? "SEEDED run: for testing only, not a private release."
                            : "Review the kinds and binning before use.",
                    ]
                    if !proposal.unlocatedBounds.isEmpty {
                        let names = proposal.unlocatedBounds.joined(separator: ", ")
                        let unlocated =
                            "No bounds were found for \(names): no bin of the DP histogram cleared its noise (too "
                            + "few numbers, or none); their bounds are noise. Set them by hand."
                        comment.append(unlocated)
                        Output.note("dpsynth: warning: " + Output.oneLine(unlocated))
                    }
                } else {
                    schema =
                        PostgresLocation.isDatabase(data)
                        ? try SchemaInference.propose(
                            try PostgresLocation(data, key: "data").profile(kind: .plain), name: dataset, file: data)
                        : try SchemaInference.propose(csv: data, name: dataset)
                    comment = [
                        "WARNING: the categories and bounds below were read from the PRIVATE data in \(data).",
                        "They are not differentially private. Keep only what is public knowledge (documentation,",
                        "code books, legal ranges), then delete the '\(SchemaWriter.reviewKey):' line (dpsynth refuses",
                        "the schema until then), or rerun with --dp to learn them with a charged DP step.",
                    ]
                    Output.note(
                        "dpsynth: warning: this proposal reveals the private data's categories "
                            + "and bounds; review it before use"
                    )
                }
                // A seeded DP proposal's noise can be drawn again by anyone with the seed; a DP
                // proposal from a file takes its names from the first line, which a file without
                // its header row fills with a row (a table's names come from the catalog).
                let review: SchemaWriter.Review? =
                    !dp || seed != nil ? .values : PostgresLocation.isDatabase(data) ? nil : .names
                let yaml = SchemaWriter.yaml(schema, comment: comment, review: review)
                if let out {
                    try AtomicFile.write(Data(yaml.utf8), to: out)
                } else {
                    print(yaml, terminator: "")
                }
            } catch let error as any UserFacingError {
                throw CommandFailure(error.description)
            }
        }
    }

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Read a table through a schema and report problems (nothing is released).")

        @Option(help: "The table: a CSV file or a postgresql:// URL (checked where it lives).") var data: String
        @Option(help: "The YAML schema.") var schema: String
        @Flag(help: "Print a JSON object.") var json = false

        func run() throws {
            do {
                let parsed = try SchemaLoader.load(path: schema)
                // A database checks every value where it lives, and only the row count leaves it.
                let dataset = try DataSource(data, key: "--data").table(schema: parsed, countsOnly: true)
                let rowCount = try dataset.marginals([[]])[0].total
                if json {
                    try Output.json([
                        "ok": true, "rows": rowCount, "columns": dataset.columns.map(\.name),
                        "domain": dataset.domain,
                        "note": "row count computed on the private data; not a DP release",
                    ])
                } else {
                    print(
                        "ok: \(rowCount) rows (private figure, not for release), "
                            + "\(dataset.columns.count) encoded columns"
                    )
                    for (column, size) in zip(dataset.columns, dataset.domain) {
                        print("  \(column.name): \(size) codes")
                    }
                }
            } catch let error as DataError {
                throw CommandFailure(error.description)
            }
        }
    }
}
