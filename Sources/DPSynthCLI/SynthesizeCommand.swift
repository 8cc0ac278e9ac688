import ArgumentParser
import DPData
import DPGenerators
import DPLedger
import DPNeural
import DPRandomness
import DPReport
import Foundation

extension SynthesisMethod: ExpressibleByArgument {}

/// `dpsynth synthesize`: fit a generator under an (epsilon, delta) budget and write synthetic rows.
struct SynthesizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "synthesize",
        abstract: "Fit a DP generator to a CSV file and write synthetic rows (every step charged to the ledger first).")

    @Option(help: "The private CSV file (with a header row).") var data: String
    @Option(help: "The YAML schema (public categories and bounds).") var schema: String
    @Option(help: "Epsilon for this run.") var epsilon: Double
    @Option(help: "Delta for this run.") var delta: Double = 1e-9
    @Option(help: "aim, mst, independent, dp-tvae or dp-ctgan.") var method: SynthesisMethod = .aim
    @Option(help: "AIM workload: a file with one attribute set per line, column names separated by commas (default: all 3-way sets).")
    var workload: String?
    @Option(help: "How many synthetic rows to write.") var rows: Int
    @Option(help: "Where to write the synthetic CSV (atomically).") var out: String
    @Option(help: "The ledger file.") var ledger: String = "dpsynth-ledger.sqlite"
    @Option(help: "The ledger's dataset name (default: the schema's name).") var dataset: String?
    @Flag(help: "Declare the dataset's budget as this run's (epsilon, delta) when the ledger has none.") var initBudget = false
    @Option(help: "Also save the fitted model here, to draw more rows later at no privacy cost.") var modelOut: String?
    @Option(help: "Mirror-descent iterations for the model estimate.") var iterations: Int = 1000
    @Option(help: "Neural methods: training epochs (default 20 for dp-tvae, 10 for dp-ctgan).") var epochs: Int?
    @Option(help: "Neural methods: expected Poisson batch size (default: dp-tvae about 6% of the rows, dp-ctgan up to 512).") var batchSize: Int?
    @Option(help: "Neural methods: Adam learning rate (default 0.01 for dp-tvae, 0.001 for dp-ctgan).") var learningRate: Float?
    @Option(help: "Neural methods: per-example clipping norm.") var clip: Double = 1
    @Option(help: "Seed for a reproducible test run (never for a release).") var seed: UInt64?
    @Flag(help: "Print the summary as JSON.") var json = false

    func validate() throws {
        if method != .aim && workload != nil { throw ValidationError("--workload applies to --method aim only") }
        if method.marginal != nil && (epochs != nil || batchSize != nil) {
            throw ValidationError("--epochs and --batch-size apply to --method dp-tvae and dp-ctgan only")
        }
        if let epochs { try Check.positive(epochs, "--epochs") }
        if let batchSize { try Check.positive(batchSize, "--batch-size") }
        try Check.positive(clip, "--clip")
        if let learningRate { try Check.positive(Double(learningRate), "--learning-rate") }
        try Check.positive(epsilon, "--epsilon")
        try Check.probability(delta, "--delta")
        try Check.positive(rows, "--rows")
        try Check.positive(iterations, "--iterations")
    }

    func run() throws {
        let started = Date()
        try CommandFailure.reportingLibraryErrors {
            let parsed = try SchemaLoader.load(path: schema)
            let name = dataset ?? parsed.name
            let table = try DatasetLoader.load(csv: data, schema: parsed)
            let sets = try workload.map { try WorkloadFile.read($0, columns: table.columns.map(\.name)) }
            let budgetLedger = try BudgetLedger(path: ledger)
            if try !budgetLedger.datasets().contains(name) {
                guard initBudget else {
                    throw CommandFailure("dataset '\(name)' has no budget in \(ledger); run `dpsynth ledger init --ledger \(ledger) "
                                         + "--dataset \(name) --epsilon E --delta D` or pass --init-budget")
                }
                try budgetLedger.initialise(dataset: name, epsilon: epsilon, delta: delta)
            }
            let source = seed.map(RandomSource.seeded) ?? .secure()
            if source.isSeeded { Output.note("dpsynth: \(source.label)") }
            let synthetic: EncodedDataset, rho: Double?, cells: Int
            if let marginal = method.marginal {
                let model = try Synthesizer.fit(marginal, data: table, epsilon: epsilon, delta: delta, ledger: budgetLedger, dataset: name,
                                                source: source, iterations: iterations, workload: sets) { step in
                    Output.progress(String(format: "[%@] %@ (%.1f s)", method.rawValue, step, Date().timeIntervalSince(started)))
                }
                synthetic = model.sample(rows: rows, source: source)
                if let modelOut { try model.save(to: modelOut) }
                (rho, cells) = (model.privacy.rho, model.cellCount)
            } else {
                let settings = method.neuralSettings(rows: table.rowCount, epochs: epochs, batchSize: batchSize, learningRate: learningRate, clip: clip)
                let report = { (step: DPSGDTrainer.Progress) in
                    Output.progress(String(format: "[%@] step %d/%d, epsilon so far %.3f (%.1f s)", method.rawValue, step.step, step.steps,
                                           step.epsilonSoFar, Date().timeIntervalSince(started)))
                }
                let model = method == .dpTVAE
                    ? try NeuralSynthesizer.fitTVAE(table, epsilon: epsilon, delta: delta, ledger: budgetLedger, dataset: name,
                                                    settings: settings, source: source, progress: report)
                    : try NeuralSynthesizer.fitCTGAN(table, epsilon: epsilon, delta: delta, ledger: budgetLedger, dataset: name,
                                                     settings: settings, source: source, progress: report)
                synthetic = model.sample(rows: rows, source: source)
                if let modelOut { try model.save(to: modelOut) }
                (rho, cells) = (nil, model.generator.parameterCount)
            }
            try CSVWriter.write(synthetic, to: out, source: source)
            let statement = try budgetLedger.statement(dataset: name)
            let elapsed = Date().timeIntervalSince(started)
            Output.progress(nil)
            if json {
                try Output.json(["method": method.rawValue, "rows": rows, "out": out, "epsilon": epsilon, "delta": delta,
                                 "rho": rho as Any, "model_size": cells, "seconds": elapsed,
                                 "dataset": name, "dataset_epsilon_spent": statement.spent.epsilon, "seeded": source.isSeeded])
            } else {
                print("\(method.rawValue): wrote \(rows) synthetic rows to \(out) in \(String(format: "%.1f", elapsed)) s")
                print("privacy: (\(epsilon), \(delta))-DP for this run\(rho.map { " (rho \($0))" } ?? ""); dataset '\(name)' has spent "
                      + "epsilon \(statement.spent.epsilon) of \(statement.totalEpsilon)")
                print("model: \(cells) \(rho == nil ? "parameters" : "cells")\(modelOut.map { ", saved to \($0)" } ?? "")")
                if source.isSeeded { print("SEEDED run: for testing only, not a private release") }
            }
        }
    }
}
