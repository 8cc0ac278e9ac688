import DPAudit
import DPData
import DPGenerators
import DPLedger
import DPNeural
import DPRandomness
import Foundation

/// A release from start to finish: ledger check -> synthesize -> utility -> audit -> report -> gate.
/// The synthetic rows reach the output only when the audit passes the policy; otherwise they go
/// to the quarantine folder beside a file of reasons. The fitted model is kept in a state folder
/// beside the report, so a rerun after a crash reuses it instead of charging the ledger again.
///
/// Privacy: the synthetic rows are (epsilon, delta)-DP (every measurement charged to the ledger
/// before it is drawn); the utility and attack figures in the report are computed on real data
/// and marked as such.
public struct ReleasePipeline {
    public let config: ReleaseConfig
    public let configBytes: Data
    public let configPath: String

    public init(configPath: String) throws {
        (config, configBytes) = try ReleaseConfig.load(path: configPath)
        self.configPath = configPath
    }

    /// What a run produced.
    public struct Outcome: Sendable {
        public let report: ComplianceReport
        public let reportPath: String
        public let htmlPath: String
        public let markdownPath: String
        public let signed: Bool
        public let reusedModel: Bool
    }

    func column(_ name: String, in data: EncodedDataset, key: String) throws -> Int {
        guard let index = data.columnIndex(named: name) else {
            throw DataError(file: configPath, problem: "\(key): '\(name)' is not an encoded column of the schema",
                            hint: "Use one of: \(data.columns.map(\.name).joined(separator: ", ")).")
        }
        return index
    }

    /// The inputs of a run, read and checked before anything is charged.
    struct Prepared {
        let dataset: String
        let train: EncodedDataset
        let holdout: EncodedDataset
        let secrets: [Int]
        let quasiIdentifiers: [Int]
        let target: Int?
        let positive: UInt16
        let policy: AuditPolicy
        let key: SigningKey?
        let workload: [[Int]]?
        let inputHash: String
        let schemaHash: String
        let modelPath: String
    }

    func prepare(progress: (String) -> Void) throws -> Prepared {
        let schema = try SchemaLoader.load(path: config.schema)
        progress("reading \(config.data)")
        let train = try DatasetLoader.load(csv: config.data, schema: schema)
        let holdout = try DatasetLoader.load(csv: config.holdout, schema: schema)
        let target = try config.target.map { try column($0, in: train, key: "utility.target") }
        let inputHash = try Blake2b.hex(file: config.data), schemaHash = try Blake2b.hex(file: config.schema)
        let runKey = String(Blake2b.hex(configBytes + Data(inputHash.utf8) + Data(schemaHash.utf8)).prefix(24))
        let stateFolder = URL(fileURLWithPath: config.report).deletingLastPathComponent().appendingPathComponent(".dpsynth-state")
        try FileManager.default.createDirectory(at: stateFolder, withIntermediateDirectories: true)
        return Prepared(
            dataset: config.dataset ?? schema.name, train: train, holdout: holdout,
            secrets: try config.secrets.map { try column($0, in: train, key: "audit.secrets") },
            quasiIdentifiers: try config.quasiIdentifiers.map { try column($0, in: train, key: "audit.quasi_identifiers") },
            target: target, positive: try positiveCode(target: target, data: train),
            policy: try config.policy.map(AuditPolicy.load) ?? AuditPolicy(), key: try config.signingKey.map(SigningKey.load(secretKeyFile:)),
            workload: try config.workload.map { try WorkloadFile.read($0, columns: train.columns.map(\.name)) },
            inputHash: inputHash, schemaHash: schemaHash, modelPath: stateFolder.appendingPathComponent("model-\(runKey).json").path)
    }

    public func run(progress: (String) -> Void = { _ in }) throws -> Outcome {
        let started = Date()
        let prepared = try prepare(progress: progress)
        let ledger = try BudgetLedger(path: config.ledger)
        if try !ledger.datasets().contains(prepared.dataset) {
            guard let budget = config.datasetBudget else {
                throw DataError(file: configPath, problem: "dataset '\(prepared.dataset)' has no budget in \(config.ledger)",
                                hint: "Add 'dataset_budget: {epsilon: E, delta: D}' or run `dpsynth ledger init`.")
            }
            try ledger.initialise(dataset: prepared.dataset, epsilon: budget.epsilon, delta: budget.delta)
        }
        let source = config.seed.map(RandomSource.seeded) ?? .secure()
        let reused = FileManager.default.fileExists(atPath: prepared.modelPath)
        if reused { progress("reusing the model fitted by an earlier run of this config (no new charge)") }
        let rows = config.rows ?? prepared.train.rowCount
        let synthetic: EncodedDataset, rho: Double, seededModel: Bool
        if let method = config.method.marginal {
            let model = reused ? try SynthesisModel.load(from: prepared.modelPath)
                : try Synthesizer.fit(method, data: prepared.train, epsilon: config.epsilon, delta: config.delta, ledger: ledger,
                                      dataset: prepared.dataset, source: source.split(stream: 1), iterations: config.iterations,
                                      workload: prepared.workload) { step in
                    progress("[\(method.rawValue)] \(step) (\(String(format: "%.1f", Date().timeIntervalSince(started))) s)")
                }
            if !reused { try model.save(to: prepared.modelPath) }
            (synthetic, rho, seededModel) = (model.sample(rows: rows, source: source.split(stream: 2)), model.privacy.rho, model.privacy.seeded)
        } else {
            let model: NeuralModel
            if reused {
                model = try NeuralModel.load(from: prepared.modelPath)
            } else {
                let report = { (step: DPSGDTrainer.Progress) in
                    progress(String(format: "[%@] step %d/%d, epsilon so far %.3f (%.1f s)", config.method.rawValue, step.step, step.steps,
                                    step.epsilonSoFar, Date().timeIntervalSince(started)))
                }
                let fit = config.method == .dpTVAE ? NeuralSynthesizer.fitTVAE : NeuralSynthesizer.fitCTGAN
                model = try fit(prepared.train, config.epsilon, config.delta, ledger, prepared.dataset,
                                neuralSettings(rows: prepared.train.rowCount), source.split(stream: 1), report)
                try model.save(to: prepared.modelPath)
            }
            (synthetic, rho, seededModel) = (model.sample(rows: rows, source: source.split(stream: 2)), 0, model.privacy.seeded)
        }
        let statement = try ledger.statement(dataset: prepared.dataset)
        let neural = config.method.marginal == nil
        let privacy = ComplianceReport.PrivacyGuarantee(
            epsilon: config.epsilon, delta: config.delta, mechanism: mechanismDescription(config.method), rho: rho,
            seeded: source.isSeeded || seededModel, randomness: source.label, ledger: statement,
            accountant: neural ? "RDP of the Poisson-subsampled Gaussian (DP-SGD), composed with the other charges by the ledger; rho is 0 for this method"
                               : "zero-concentrated DP, converted to (epsilon, delta) by Canonne-Kamath-Steinke 2020")
        return try publish(synthetic, privacy: privacy, prepared: prepared, source: source, reusedModel: reused, progress: progress)
    }

    /// Evaluates, audits, gates and reports a synthetic table: the table goes to the output when
    /// the audit passes, to the quarantine folder (with REASONS.txt) when it fails.
    func publish(_ synthetic: EncodedDataset, privacy: ComplianceReport.PrivacyGuarantee, prepared: Prepared, source: RandomSource,
                 reusedModel: Bool, progress: (String) -> Void) throws -> Outcome {
        progress("evaluating utility")
        let utility = UtilityEvaluation.evaluate(train: prepared.train, holdout: prepared.holdout, synthetic: synthetic,
                                                 target: prepared.target, positive: prepared.positive, source: source.split(stream: 3))
        progress("running the attack suite")
        var auditor = PrivacyAudit(policy: prepared.policy)
        if let shadow = config.shadowModels, let method = config.method.marginal {
            auditor.shadowModels = ShadowModelAttack(
                generator: .synthesizer(method, epsilon: config.epsilon, delta: config.delta, iterations: min(config.iterations, 300)),
                targets: shadow.targets, shadows: shadow.shadows, shadowRows: shadow.rows)
        }
        let audit = try auditor.run(
            PrivacyAudit.Input(train: prepared.train, holdout: prepared.holdout, synthetic: synthetic, secrets: prepared.secrets,
                               quasiIdentifiers: prepared.quasiIdentifiers, claimedEpsilon: config.epsilon, delta: config.delta),
            source: source.split(stream: 4), progress: progress)

        let released = audit.decision == "pass"
        let reasons = audit.findings.filter { !$0.passed }.map {
            String(format: "%@ (%@): %.3f exceeds the policy's %.3f", $0.attack, $0.criterion, $0.value, $0.threshold)
        }
        let name = URL(fileURLWithPath: config.out).lastPathComponent
        let destination = released ? config.out : URL(fileURLWithPath: config.quarantine).appendingPathComponent(name).path
        try FileManager.default.createDirectory(at: URL(fileURLWithPath: destination).deletingLastPathComponent(), withIntermediateDirectories: true)
        try CSVWriter.write(synthetic, to: destination, source: source.split(stream: 5))
        if !released {
            let text = "Quarantined by dpsynth release: the attack suite failed the policy.\nFigures below: \(RealDataNotice.text).\n" + reasons.map { "- \($0)\n" }.joined()
            try AtomicFile.write(Data(text.utf8), to: URL(fileURLWithPath: config.quarantine).appendingPathComponent("REASONS.txt").path)
        }
        let provenance = ComplianceReport.Provenance(
            inputFile: URL(fileURLWithPath: config.data).lastPathComponent, inputHash: prepared.inputHash, inputRows: prepared.train.rowCount,
            schemaFile: URL(fileURLWithPath: config.schema).lastPathComponent, schemaHash: prepared.schemaHash, configHash: Blake2b.hex(configBytes),
            syntheticHash: try Blake2b.hex(file: destination), syntheticRows: synthetic.rowCount, holdoutHash: try Blake2b.hex(file: config.holdout),
            toolVersion: ToolVersion.current, gitCommit: ToolVersion.gitCommit(), createdAt: ISO8601DateFormatter().string(from: Date()))
        let report = ComplianceReport(
            decision: .init(outcome: released ? "release" : "quarantine", reasons: reasons, syntheticPath: destination),
            privacy: privacy, provenance: provenance, utility: utility, audit: audit, proofs: Self.proofs)

        try FileManager.default.createDirectory(at: URL(fileURLWithPath: config.report).deletingLastPathComponent(), withIntermediateDirectories: true)
        let reportPath = config.report + ".json", htmlPath = config.report + ".html", markdownPath = config.report + ".md"
        _ = try ReportSignature.write(report, to: reportPath, key: prepared.key)
        try AtomicFile.write(Data(HTMLReport.render(report).utf8), to: htmlPath)
        try AtomicFile.write(Data(MarkdownSummary.render(report).utf8), to: markdownPath)
        return Outcome(report: report, reportPath: reportPath, htmlPath: htmlPath, markdownPath: markdownPath,
                       signed: prepared.key != nil, reusedModel: reusedModel)
    }

    func positiveCode(target: Int?, data: EncodedDataset) throws -> UInt16 {
        guard let target else { return 1 }
        guard let label = config.positive else { return 1 }
        let labels = data.labels(of: target)
        guard let code = labels.firstIndex(of: label) else {
            throw DataError(file: configPath, problem: "utility.positive: '\(label)' is not a value of '\(data.columns[target].name)'",
                            hint: "Use one of: \(labels.joined(separator: ", ")).")
        }
        return UInt16(code)
    }

    func neuralSettings(rows: Int) -> NeuralSynthesizer.Settings {
        let value = { (key: String) in config.neural[key] }
        return config.method.neuralSettings(rows: rows, epochs: value("epochs").map { Int($0) }, batchSize: value("batch_size").map { Int($0) },
                                            learningRate: value("learning_rate").map { Float($0) }, clip: value("clip"),
                                            hidden: value("hidden").map { Int($0) }, latent: value("latent").map { Int($0) },
                                            klWeight: value("kl_weight").map { Float($0) })
    }

    func mechanismDescription(_ method: SynthesisMethod) -> String {
        switch method {
        case .aim: return "AIM (McKenna et al. 2022): adaptive marginal selection by the exponential mechanism, discrete Gaussian measurements, Private-PGM estimation"
        case .mst: return "MST (McKenna et al. 2021): spanning-tree marginals by the exponential mechanism, discrete Gaussian measurements, Private-PGM estimation"
        case .dpCTGAN: return "DP-CTGAN: a conditional GAN whose discriminator is trained with DP-SGD; conditional vectors from DP one-way marginals; the generator is post-processing"
        case .dpTVAE: return "DP-TVAE: a tabular variational autoencoder trained with DP-SGD (Poisson sampling, per-example clipping, float-safe discrete Gaussian noise, RDP accounting)"
        case .independent: return "independent one-way marginals with discrete Gaussian noise"
        }
    }

    static let proofs: [ComplianceReport.ProofReference] = [
        .init(claim: "Noise comes only from libsodium's CSPRNG", document: "Proofs/secure-randomness.md"),
        .init(claim: "The discrete Gaussian sampler is exact", document: "Proofs/discrete-gaussian.md"),
        .init(claim: "Exponential-mechanism selection is epsilon-DP and epsilon^2/8-zCDP", document: "Proofs/exponential-mechanism.md"),
        .init(claim: "zCDP composes and converts to (epsilon, delta) by CKS20", document: "Proofs/zcdp-conversion.md"),
        .init(claim: "The ledger charges before release and refuses to overspend", document: "Proofs/budget-ledger.md"),
        .init(claim: "MST, AIM and independent marginals satisfy their zCDP budget", document: "Proofs/marginal-generators.md"),
        .init(claim: "DP-SGD training (DP-TVAE, DP-CTGAN) satisfies its (epsilon, delta) budget", document: "Proofs/dp-sgd.md"),
    ]
}
