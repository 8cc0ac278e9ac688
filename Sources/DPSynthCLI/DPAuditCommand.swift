import ArgumentParser
import DPAudit
import DPData
import DPGenerators
import DPLedger
import DPRelease
import DPReport
import DPSources
import DPSynthesis
import Foundation

/// `dpsynth dp-audit`: a one-run canary audit of a generator (Steinke, Nasr and Jagielski 2023):
/// canaries added to the data at random, one fit, a lower bound on the epsilon the run really
/// had; beside it the same audit of a non-private control (the rows released as they are),
/// which shows the audit would catch a copy of the rows (not that it would catch the generator
/// with too little noise). Exits 3 when the bound exceeds the claim (`ImplementationAuditVerdict`).
struct DPAuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dp-audit",
        abstract: "Bound a generator's real epsilon from below with a one-run canary audit (an implementation check).")

    @Option(help: "The table (public data for an implementation check): CSV or postgresql:// URL.") var data: String
    @Option(help: "The YAML schema.") var schema: String
    @Option(help: "aim, mst, independent, dp-tvae or dp-ctgan.") var method: String
    @Option(parsing: .unconditional, help: "The epsilon the generator claims.") var epsilon: Double
    @Option(parsing: .unconditional, help: "Delta of the run.") var delta: Double = 1e-9
    @Option(parsing: .unconditional, help: "How many canaries (each added with probability 1/2).")
    var canaries: Int = 1000
    @Option(parsing: .unconditional, help: "Confidence of the lower bound.") var confidence: Double = 0.95
    @Option(parsing: .unconditional, help: "Marginal methods: mirror-descent iterations (default 1000).")
    var iterations: Int?
    @Option(
        help: ArgumentHelp(
            "Run with the generator settings of this release config (iterations, workload, neural).",
            discussion: "A release counts only an audit of the settings it runs; its report names any difference."))
    var config: String?
    @Option(help: "The ledger the fit is charged to: a file (SQLite) or a postgresql:// URL.")
    var ledger: String = LedgerLocation.defaultPath
    @Option(help: "The ledger's dataset name (default: the schema's name).") var dataset: String?
    @Flag(help: "Declare the dataset's budget as this run's (epsilon, delta) when the ledger has none.")
    var initBudget = false
    @Option(parsing: .unconditional, help: "Seed for a reproducible run.") var seed: UInt64?
    @Flag(help: "Print a JSON object.") var json = false

    func validate() throws {
        try Check.epsilon(epsilon, "--epsilon")
        try Check.probability(delta, "--delta")
        guard canaries >= 2 && canaries <= 1_000_000 else {
            throw ValidationError("--canaries must lie in 2...1000000 (got \(canaries))")
        }
        guard config == nil || iterations == nil else {
            throw ValidationError("--iterations and --config both set the settings: give one of them")
        }
        guard confidence > 0 && confidence < 1 else {
            throw ValidationError("--confidence must lie strictly between 0 and 1 (got \(confidence))")
        }
    }

    func run() throws {
        try CommandFailure.reportingLibraryErrors {
            let parsed = try SchemaLoader.load(path: schema)
            let release = try config.map { try ReleaseConfig.load(path: $0).0 }
            if let release, release.method != method {
                throw CommandFailure("\(config!): method is \(release.method), but --method is \(method)")
            }
            var settings = release?.settings ?? GeneratorSettings()
            if release == nil { settings.iterations = iterations }
            // The settings as far as they are known before the rows are read (a workload names
            // columns): the generator is built again once they are all known.
            _ = try GeneratorRegistry.standard.generator(named: method, settings: settings)
            // Before the ledger is opened, as `synthesize` does: no budget is declared for a run
            // that cannot be planned.
            try GeneratorRegistry.standard.type(named: method).checkBudget(epsilon: epsilon, delta: delta)
            let source = try DataSource(data, key: "--data")
            let identity = try source.identity()
            // The identity's locks are held until the rows are read (`DataIdentity`).
            let table = try source.load(schema: parsed, boundTo: identity)
            identity.releaseLocks()
            settings.workload = try release?.workload.map {
                try WorkloadFile.read($0, columns: table.columns.map(\.name))
            }
            let generator = try GeneratorRegistry.standard.generator(named: method, settings: settings)
            let audit = try CanaryAudit(canaries: canaries)
            let stage = SynthesisStage(generator: generator, epsilon: epsilon, delta: delta)
            try WorkloadFile.naming(release?.workload ?? schema) { try stage.checkPlannable(columns: table.columns) }
            let budget = try BudgetStage.open(
                ledger: ledger, dataset: dataset ?? parsed.name, declare: initBudget ? (epsilon, delta) : nil,
                hint: .commandLine, fingerprint: try identity.fingerprint, newDataVersion: false)
            let streams = RunStreams(seed: seed)
            let result = try audit.run(
                data: table, delta: delta, confidence: confidence, source: streams.audit
            ) { withCanaries in
                let model = try stage.fit(withCanaries, budget: budget, streams: streams) { Output.progress($0) }
                return SynthesisStage.sample(
                    model, rows: model.noisyRowCount ?? withCanaries.rowCount, streams: streams)
            }
            Output.progress(nil)
            let control = try audit.run(
                data: table, delta: delta, confidence: confidence, source: streams.audit.split(stream: 9)
            ) { $0 }
            let figures = ImplementationAudit(
                method: method, claimedEpsilon: epsilon, delta: delta, canaries: result.canaries,
                guesses: result.guesses, correct: result.correct, confidence: confidence,
                epsilonLowerBound: result.epsilonLowerBound, controlCorrect: control.correct,
                controlEpsilonLowerBound: control.epsilonLowerBound, data: source.displayName,
                settings: settings.described(columns: table.columns.map(\.name)))
            // The control releases the rows as they are: its figures are computed on the private
            // data, and say so wherever they are printed.
            let label = "the control's figures are computed on the private data: confidential, not a DP release"
            if json {
                var object =
                    try JSONSerialization.jsonObject(with: try figures.snakeCaseJSON()) as? [String: Any] ?? [:]
                object["note"] = label
                try Output.json(object)
            } else {
                print("\(method) at epsilon \(epsilon): \(figures.statement) (\(label))")
            }
            if figures.verdict == .claimExceeded { throw ExitCode(3) }
        }
    }
}
