import ArgumentParser
import DPAudit
import DPData
import DPGenerators
import DPLedger
import DPRandomness
import DPRelease
import DPSources
import DPSynthesis
import Foundation

/// `dpsynth synthesize`: fit a generator under an (epsilon, delta) budget and write synthetic rows.
struct SynthesizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "synthesize",
        abstract:
            "Fit a DP generator to a CSV file and write synthetic rows (every step charged to the ledger first).")

    @Option(
        help: "The private table: a CSV file with a header row, or postgresql://USER@HOST:PORT/DB?table=SCHEMA.TABLE.")
    var data: String
    @Option(
        name: .customLong("shard"),
        help:
            "Another PostgreSQL table holding more rows of the same data (repeat for each shard; each counts its own).")
    var shards: [String] = []
    @Option(help: "The YAML schema (public categories and bounds).") var schema: String
    // `.unconditional` on numbers: a negative one is read as the value (and refused by range), not as an option.
    @Option(parsing: .unconditional, help: "Epsilon for this run.") var epsilon: Double
    @Option(parsing: .unconditional, help: "Delta for this run.") var delta: Double = 1e-9
    @Option(help: "aim, mst, independent, dp-tvae or dp-ctgan.") var method: String = AIMGenerator.method
    @Option(
        help: ArgumentHelp(
            "AIM workload: a file with one attribute set per line, column names separated by commas "
                + "(default: all 3-way sets)."))
    var workload: String?
    @Option(parsing: .unconditional, help: "How many synthetic rows to write.") var rows: Int
    @Option(help: "Where to write the synthetic CSV (atomically).") var out: String
    @Option(help: "The ledger: a file (SQLite) or a postgresql:// URL.") var ledger: String = LedgerLocation.defaultPath
    @Option(help: "The ledger's dataset name (default: the schema's name).") var dataset: String?
    @Flag(help: "Declare the dataset's budget as this run's (epsilon, delta) when the ledger has none.")
    var initBudget = false
    @Flag(help: "The data is a new version of the data the dataset's budget covers (the ledger records it).")
    var newDataVersion = false
    @Option(help: "Also save the fitted model here, to draw more rows later at no privacy cost.") var modelOut: String?
    @Option(
        parsing: .unconditional,
        help: "Marginal methods: mirror-descent iterations for the model estimate (default 1000).")
    var iterations: Int?
    @Option(parsing: .unconditional, help: "Neural methods: training epochs (default 20 for dp-tvae, 10 for dp-ctgan).")
    var epochs: Int?
    @Option(
        parsing: .unconditional,
        help: ArgumentHelp(
            "Neural methods: expected Poisson batch size (default: about 0.5% of the noisy row count; "
                + "dp-ctgan at most 512).")
    )
    var batchSize: Int?
    @Option(
        parsing: .unconditional,
        help: "Neural methods: Adam learning rate (default 0.01 for dp-tvae, 0.001 for dp-ctgan).")
    var learningRate: Double?
    @Option(parsing: .unconditional, help: "Neural methods: per-example clipping norm (default 1).") var clip: Double?
    @Option(parsing: .unconditional, help: "Seed for a reproducible test run (never for a release).") var seed: UInt64?
    @Flag(help: "Print the summary as JSON.") var json = false

    func validate() throws {
        try Check.epsilon(epsilon, "--epsilon")
        try Check.probability(delta, "--delta")
        try Check.rowCount(rows, "--rows")
        // The method and its settings are checked here, before any file is read: a setting the
        // method does not read is refused, never ignored.
        do {
            var settings = try settings(columns: nil)
            if workload != nil { settings.workload = [[0]] }
            _ = try GeneratorRegistry.standard.generator(named: method, settings: settings)
        } catch let error as GeneratorSettingsError {
            throw ValidationError(error.description)
        }
    }

    /// The generator settings the options give; the workload is read against the data's columns
    /// (and left out when `columns` is nil).
    func settings(columns: [String]?) throws -> GeneratorSettings {
        var settings = GeneratorSettings()
        settings.iterations = iterations
        if let columns { settings.workload = try workload.map { try WorkloadFile.read($0, columns: columns) } }
        settings.epochs = epochs
        settings.batchSize = batchSize
        settings.learningRate = learningRate
        settings.clip = clip
        return settings
    }

    func run() throws {
        let started = Date()
        try CommandFailure.reportingLibraryErrors {
            try OutputPaths.refuseOverlap(
                outputs: [("--out", out), ("--model-out", modelOut)],
                inputs: [("--data", data), ("--schema", schema), ("--ledger", ledger), ("--workload", workload)])
            try OutputPaths.refuseUnwritable([("--out", out), ("--model-out", modelOut)])
            let parsed = try SchemaLoader.load(path: schema)
            let name = dataset ?? parsed.name
            let methodType = try GeneratorRegistry.standard.type(named: method)
            // Before the data is read or the ledger opened: a budget declared or a data version
            // recorded for a run that cannot be planned would be a change for nothing.
            try methodType.checkBudget(epsilon: epsilon, delta: delta)
            let source = try DataSource([data] + shards, key: shards.isEmpty ? "--data" : "--data/--shard")
            let identity = try source.identity()
            let countsOnly = methodType.family == .marginal
            let table = try source.table(schema: parsed, countsOnly: countsOnly, boundTo: identity)
            let generator = try GeneratorRegistry.standard.generator(
                named: method, settings: try settings(columns: table.columns.map(\.name)))
            let stage = SynthesisStage(generator: generator, epsilon: epsilon, delta: delta)
            try WorkloadFile.naming(workload ?? schema) { try stage.checkPlannable(columns: table.columns) }
            let budget = try BudgetStage.open(
                ledger: ledger, dataset: name, declare: initBudget ? (epsilon, delta) : nil, hint: .commandLine,
                fingerprint: try identity.fingerprint, newDataVersion: newDataVersion)
            let streams = RunStreams(seed: seed)
            if streams.isSeeded { Output.note("dpsynth: \(streams.root.label)") }
            // Held as an optional that the write takes, so the model goes while rows are drawn.
            var model: (any FittedModel)? = try stage.fit(table, budget: budget, streams: streams) {
                Output.progress($0)
            }
            if let modelOut { try AtomicFile.write(try model!.fileData(), to: modelOut) }
            let rho: Double? = type(of: generator).family == .marginal ? model!.privacy.rho : nil
            // A progress line is shown only now and then off a terminal: what the fit did
            // otherwise than asked is said again, once.
            for note in model!.privacy.notes { Output.note("dpsynth: \(note)") }
            let size = model!.size
            try SynthesisStage.write(model.take()!, rows: rows, to: out, streams: streams) { Output.progress($0) }
            StandardOutput.summarisesWrittenFiles = true
            // The identity's locks were held while the table was counted or read (`DataIdentity`).
            identity.releaseLocks()
            let statement = try budget.statement()
            let elapsed = Date().timeIntervalSince(started)
            Output.progress(nil)
            if json {
                try Output.json([
                    "method": method, "rows": rows, "out": out, "epsilon": epsilon, "delta": delta,
                    "rho": rho as Any, "model_size": size.count, "seconds": elapsed,
                    "seconds_notice": RealDataNotice.timing,
                    "dataset": name, "dataset_epsilon_spent": statement.spent.epsilon, "seeded": streams.isSeeded,
                ])
            } else {
                print(
                    "\(method): wrote \(rows) synthetic rows to \(out) in \(String(format: "%.1f", elapsed)) s "
                        + "(\(RealDataNotice.timing))")
                print(
                    "privacy: \(Output.guarantee(charged: "(\(epsilon), \(delta))", seeded: streams.isSeeded))"
                        + "\(streams.isSeeded ? "" : " for this run")\(rho.map { " (rho \($0))" } ?? ""); "
                        + "dataset '\(Output.oneLine(name))' has spent epsilon \(statement.spent.epsilon) of "
                        + "\(statement.totalEpsilon)"
                )
                print("model: \(size.count) \(size.unit)\(modelOut.map { ", saved to \($0)" } ?? "")")
            }
        }
    }
}
