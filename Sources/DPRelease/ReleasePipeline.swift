import DPAccounting
import DPAudit
import DPData
import DPGenerators
import DPLedger
import DPMechanisms
import DPRandomness
import DPReport
import DPSources
import DPSynthesis
import Foundation

/// A release from start to finish: ledger check -> synthesize -> DP gate -> utility -> audit ->
/// reports. The synthetic rows reach the output only when the differentially private release
/// gate (`ReleaseGate`) passes them; otherwise they go to the quarantine folder beside a file of
/// reasons. The fitted model is kept in a state folder beside the report and bound to its charges
/// in the ledger, so a rerun reuses it; each rerun draws a new sample and pays a new gate evaluation.
///
/// Privacy: the released table, its row count and the decision are (epsilon, delta)-DP, composed
/// in the ledger from the fit's charges and every gate evaluation of the model
/// (Proofs/release-gate.md); the utility and attack figures in the confidential report are
/// computed on real data and marked as such, and the public report holds DP figures only.
public struct ReleasePipeline {
    public let config: ReleaseConfig
    public let configBytes: Data
    public let configPath: String
    public let registry: GeneratorRegistry
    /// The most rows of each table the attacks and the utility evaluation read (`AuditSample`).
    package var auditSampleLimit = AuditSample.defaultLimit
    /// Runs once every output is staged, before any moves into place (a test fails the run there).
    package var beforeCommit: () throws -> Void = {}

    public init(configPath: String, registry: GeneratorRegistry = .standard) throws {
        (config, configBytes) = try ReleaseConfig.load(path: configPath, registry: registry)
        self.configPath = configPath
        self.registry = registry
    }

    /// What a run produced.
    public struct Outcome: Sendable {
        public let report: ComplianceReport
        public let reportPath: String
        public let htmlPath: String
        public let markdownPath: String
        /// The report that may be published: DP figures only (JSON, signed like the confidential one).
        public let publicReportPath: String
        public let publicHTMLPath: String
        public let signed: Bool
        public let reusedModel: Bool
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
        /// The implementation check the report shows for the method (`ImplementationAudit`).
        let implementationAudit: ImplementationAudit?
        let key: SigningKey?
        let synthesis: SynthesisStage
        let gate: ReleaseGate
        let inputName: String
        let inputHash: String
        let holdoutHash: String
        /// What the ledger binds the training data and the holdout to (`DataIdentity.fingerprint`).
        let inputFingerprint: String
        let holdoutFingerprint: String
        let schemaHash: String
        /// Where the model is saved (`.dpsynth-state` beside the report), and the run's key: the
        /// config's, the training data's and the schema's bytes hashed together, which names the
        /// saved model only once hashed under the ledger's secret (`modelPath`).
        let stateFolder: URL
        let runKey: String
    }

    /// Every file a run writes, by the config key that names it.
    var outputs: [(String, String?)] { tableOutputs + reportOutputs }

    /// The released or quarantined table and the quarantine's reasons.
    var tableOutputs: [(String, String?)] {
        let quarantined = URL(fileURLWithPath: config.quarantine)
        return [
            ("out", config.out),
            ("quarantine", quarantined.appendingPathComponent(URL(fileURLWithPath: config.out).lastPathComponent).path),
            ("quarantine", quarantined.appendingPathComponent(QuarantineReasons.fileName).path),
        ]
    }

    /// The reports and their signatures: of all outputs, these alone replace a signed report,
    /// and only when signed anew (`reportsReplace`).
    var reportOutputs: [(String, String?)] {
        [
            ("report", config.report + ".json"), ("report", config.report + ".json.sig"),
            ("report", config.report + ".html"), ("report", config.report + ".html.sig"),
            ("report", config.report + ".md"), ("report", config.report + ".md.sig"),
            ("report", publicReportName + ".json"), ("report", publicReportName + ".json.sig"),
            ("report", publicReportName + ".html"), ("report", publicReportName + ".html.sig"),
        ]
    }

    /// The public reports' name, without its extension (`PublicReport.nameSuffix`).
    var publicReportName: String { config.report + PublicReport.nameSuffix }

    /// Every file a run reads, by the config key that names it.
    var inputs: [(String, String?)] {
        [
            ("the config", configPath), ("data", config.data), ("holdout", config.holdout), ("schema", config.schema),
            ("ledger", config.ledger), ("signing_key", config.signingKey), ("audit.policy", config.policy),
            ("audit.dp_audit", config.dpAudit),
            ("workload", config.workload),
        ]
    }

    /// The kept file the reports replace: a signed report, by a release that signs its own. An
    /// unsigned one would leave the old signatures beside reports they do not sign.
    var reportsReplace: KeptFile? { config.signingKey == nil ? nil : .signedReport }

    /// Refuses a release without a signing key whose reports would replace signed ones, before
    /// anything is read or charged.
    func refuseUnsignedOverSigned() throws {
        guard config.signingKey == nil else { return }
        for case (_, let path?) in reportOutputs
        where path.hasSuffix(".sig") && FileManager.default.fileExists(atPath: path) {
            throw ReleaseError(
                "\(path): the reports at '\(config.report)' are signed, and this config has no signing_key: unsigned "
                    + "reports would sit beside signatures that no longer match. Add signing_key, or write the "
                    + "reports elsewhere.")
        }
    }

    /// The implementation check the report shows: the config's `dp_audit` file, or the published
    /// entry for the method. One whose verdict is a claim exceeded refuses the release here,
    /// before a row is read or anything charged: it is evidence that this build's method spends
    /// more than it claims.
    func checkedImplementationAudit() throws -> ImplementationAudit? {
        let key = "\(configPath): audit.dp_audit"
        let check =
            try config.dpAudit.map { try ImplementationAudit.load(path: $0, method: config.method, key: key) }
            ?? ImplementationAudit.published(method: config.method, epsilon: config.synthesisEpsilon)
        if let check, check.verdict == .claimExceeded {
            throw ReleaseError(
                "\(key): the implementation check of \(check.method) (\(check.source ?? "dp-audit")) reads "
                    + "\(check.statement). Nothing was read or charged. Do not release with this build: report it, "
                    + "or use another method.")
        }
        return check
    }

    func prepare(progress: (String) -> Void) throws -> Prepared {
        try OutputPaths.refuseOverlap(outputs: outputs, inputs: inputs)
        try refuseUnsignedOverSigned()
        try OutputPaths.refuseUnwritable(tableOutputs, creatingFolders: true)
        try OutputPaths.refuseUnwritable(reportOutputs, creatingFolders: true, replacing: reportsReplace)
        let schema = try SchemaLoader.load(path: config.schema)
        do {
            // Before a row is read or the ledger opened (`run`): a budget declared or a data
            // version recorded for a run that cannot be planned would be a change for nothing.
            try registry.type(named: config.method).checkBudget(epsilon: config.synthesisEpsilon, delta: config.delta)
        } catch let error as GeneratorSettingsError {
            // The figures are the synthesis's share: the config's epsilon less the gate's.
            throw ReleaseError(
                "\(configPath): \(error.description) (the epsilon named is the synthesis's share: 'epsilon' less "
                    + "the release gate's \(config.gateShare))")
        }
        var implementationAudit = try checkedImplementationAudit()
        // Named columns are checked against the schema before a row is read.
        let target = try config.target.map { try schema.encodedIndex(of: $0, key: "utility.target", file: configPath) }
        let positive = try positiveCode(target: target, schema: schema)
        let secrets = try config.secrets.map { try schema.encodedIndex(of: $0, key: "audit.secrets", file: configPath) }
        let quasiIdentifiers = try config.quasiIdentifiers.map {
            try schema.encodedIndex(of: $0, key: "audit.quasi_identifiers", file: configPath)
        }
        try AttackedColumns.check(
            secrets: config.secrets, quasiIdentifiers: config.quasiIdentifiers,
            secretsKey: "\(configPath): audit.secrets", quasiKey: "\(configPath): audit.quasi_identifiers")
        let trainSource = try DataSource(config.data, key: "\(configPath): data")
        let holdoutSource = try DataSource(config.holdout, key: "\(configPath): holdout")
        let training = try trainSource.identity()
        let inputHash = training.provenanceHash
        let holdoutIdentity = try HoldoutRule.checked(holdout: holdoutSource, training: training)
        let holdoutHash = holdoutIdentity.provenanceHash
        progress("reading \(trainSource)")
        // The identities' locks are held until both tables are read: the rows read are those
        // the budget and the holdout rule were checked for.
        let train = try trainSource.load(schema: schema, boundTo: training)
        let holdout = try holdoutSource.load(schema: schema, boundTo: holdoutIdentity)
        training.releaseLocks()
        holdoutIdentity.releaseLocks()
        try HoldoutRule.checkRead(holdout: holdoutIdentity, training: training, name: config.holdout)
        let schemaHash = try Blake2b.hex(file: config.schema)
        let runKey = String(Blake2b.hex(configBytes + Data(inputHash.utf8) + Data(schemaHash.utf8)).prefix(24))
        let stateFolder = URL(fileURLWithPath: config.report).deletingLastPathComponent()
            .appendingPathComponent(OutputPaths.stateFolderName)
        var settings = config.settings
        settings.workload = try config.workload.map { try WorkloadFile.read($0, columns: train.columns.map(\.name)) }
        let synthesis: SynthesisStage
        do {
            let generator = try registry.generator(named: config.method, settings: settings)
            synthesis = SynthesisStage(generator: generator, epsilon: config.synthesisEpsilon, delta: config.delta)
            // Before the ledger is opened (`run`), as the budget check above.
            try synthesis.checkPlannable(columns: train.columns)
        } catch let error as UserFacingError where error is GeneratorSettingsError || error is GeneratorError {
            throw ReleaseError("\(configPath): \(error.description)")
        }
        // The audit ran the generator alone: its claim is compared with the synthesis's share.
        let scope = implementationAudit?.scope(
            releaseEpsilon: config.synthesisEpsilon,
            releaseSettings: settings.described(columns: train.columns.map(\.name)))
        implementationAudit?.scope = scope
        let gate: ReleaseGate
        do {
            gate = try ReleaseGate(
                epsilon: config.gateShare, maxAdvantage: config.gateMaxAdvantage,
                checks: GateCheck.standard(secrets: secrets, columns: train.columns))
        } catch let error as MechanismError {
            throw ReleaseError(
                "\(configPath): the release gate cannot run at epsilon \(config.gateShare) (gate.epsilon, or its "
                    + "default share of epsilon): \(error.description). Give the gate a larger epsilon.")
        }
        try FileManager.default.createDirectory(at: stateFolder, withIntermediateDirectories: true)
        try Self.refuseIrregularModels(in: stateFolder)
        // The model is saved after the fit is charged: its folder must take it (a link to /proc, a
        // colleague's folder) before then.
        let savedModel = ("the release's saved model (\(config.report)'s folder)", stateFolder.path + "/model")
        try OutputPaths.refuseUnwritable([savedModel], intoState: true)
        return Prepared(
            dataset: config.dataset ?? schema.name, train: train, holdout: holdout, secrets: secrets,
            quasiIdentifiers: quasiIdentifiers,
            target: target, positive: positive,
            policy: try config.policy.map(AuditPolicy.load) ?? AuditPolicy(),
            implementationAudit: implementationAudit,
            key: try config.signingKey.map(SigningKey.load(secretKeyFile:)),
            synthesis: synthesis,
            gate: gate, inputName: trainSource.displayName, inputHash: inputHash, holdoutHash: holdoutHash,
            inputFingerprint: try training.fingerprint, holdoutFingerprint: try holdoutIdentity.fingerprint,
            schemaHash: schemaHash, stateFolder: stateFolder, runKey: runKey)
    }

    public func run(progress: @escaping (String) -> Void = { _ in }) throws -> Outcome {
        let prepared = try prepare(progress: progress)
        // Held until the run returns or throws, from before the ledger is opened.
        let lock = try StateFolderLock.acquire(prepared.stateFolder)
        defer { withExtendedLifetime(lock) {} }
        if let finished = try CommitJournal.finish(
            Self.commitJournal(in: prepared.stateFolder), targets: outputs.compactMap(\.1))
        {
            progress(
                "finished the commit of an earlier run stopped while it moved its outputs into place (\(finished.made) "
                    + "of its \(finished.listed) files were still to move)")
        }
        let budget = try BudgetStage.open(
            ledger: config.ledger, dataset: prepared.dataset, declare: config.datasetBudget,
            hint: .config(configPath), fingerprint: prepared.inputFingerprint,
            newDataVersion: config.newDataVersion, measured: [("\(configPath): holdout", prepared.holdoutFingerprint)])
        let streams = RunStreams(seed: config.seed)
        // The gate's evaluation is reserved before the fit, so a run that fits can always be judged.
        let gateBudget = try budget.reserve(prepared.gate.cost)
        var gateEnded = false
        defer { if !gateEnded { _ = try? gateBudget.endReservation() } }
        let fitted = try fitOrReuse(prepared, budget: budget, streams: streams, progress: progress)
        // The exact row count never sets the output's size: the default is the model's noisy total.
        guard let rows = config.rows ?? fitted.model.noisyRowCount else {
            throw ReleaseError("\(configPath): 'rows' is needed for \(config.method), which measures no row count")
        }
        progress("sampling \(rows) rows")
        let synthetic = SynthesisStage.sample(fitted.model, rows: rows, streams: streams)
        progress("release gate: charging epsilon \(prepared.gate.epsilon), then testing the sample with noise")
        let noisy = try prepared.gate.evaluate(
            train: prepared.train, holdout: prepared.holdout, synthetic: synthetic,
            quasiIdentifiers: prepared.quasiIdentifiers, model: fitted.hash, budget: gateBudget, source: streams.gate,
            holdoutFingerprint: prepared.holdoutFingerprint)
        // Ended before the statement is read, so the report's chain head is the run's last entry.
        try gateBudget.endReservation()
        gateEnded = true
        let statement = try budget.statement()
        let evaluations = ReleaseGate.evaluations(of: fitted.hash, in: statement.charges)
        let gate = prepared.gate.report(noisy: noisy, evaluations: evaluations.count)
        let generatorType = type(of: prepared.synthesis.generator)
        // The guarantee is what the ledger shows was paid for this model and every gate evaluation
        // of its samples, never the config's claim; a fit that spent less than asked is stated as
        // asked (`ReleaseGuarantee`).
        let paid = fitted.charges + evaluations
        let (spend, statedAsAsked) = ReleaseGuarantee.spend(
            fit: fitted.charges.map(\.cost), requested: config.synthesisEpsilon, evaluations: evaluations.map(\.cost),
            delta: config.delta)
        let asAsked = statedAsAsked ? [ReleaseGuarantee.statedAsAskedNote] : []
        let privacy = ComplianceReport.PrivacyGuarantee(
            epsilon: spend.epsilon, delta: config.delta,
            mechanism: ([generatorType.summary] + fitted.model.privacy.notes + asAsked).joined(separator: "; "),
            rho: spend.rho,
            seeded: streams.isSeeded || fitted.model.privacy.seeded || paid.contains(where: \.seeded),
            randomness: streams.root.label, ledger: statement, accountant: generatorType.family.accountant)
        return try publish(
            synthetic, privacy: privacy, gate: gate, releaseCharges: paid, prepared: prepared, streams: streams,
            reusedModel: fitted.reused, progress: progress)
    }

    /// A fitted model, the hash of its file, the charges that paid for it, and whether an earlier
    /// run fitted it.
    struct FittedRelease {
        let model: any FittedModel
        let hash: String
        let charges: [LedgerCharge]
        let reused: Bool
    }

    /// The model of this config: the saved one when the ledger binds its file to charges of this
    /// dataset made for the config's (ε, δ), otherwise a new fit, charged and then bound. Returns
    /// the model, the charges that paid for it, and whether it was reused.
    func fitOrReuse(
        _ prepared: Prepared, budget: LedgerBudget, streams: RunStreams, progress: @escaping (String) -> Void
    ) throws -> FittedRelease {
        let modelPath = try modelPath(prepared, ledger: budget.ledger)
        // A model saved by an earlier version under the run's own key, a name anyone could test a
        // candidate table against: renamed (when reused) or removed (when fitted anew).
        let unkeyedPath = Self.modelFile(prepared.runKey, in: prepared.stateFolder)
        let saved = [modelPath, unkeyedPath].lazy.compactMap { path in
            FileManager.default.contents(atPath: path).map { (path: path, data: $0) }
        }.first
        let name = URL(fileURLWithPath: modelPath).lastPathComponent
        if let saved {
            let hash = Blake2b.hex(saved.data)
            // Fitted for this run: saved under its name, or, bound by an earlier version that did
            // not name it, by the config's method at least.
            func fittedForThisRun(_ binding: ModelBinding) -> Bool {
                guard let savedAs = binding.savedAs else {
                    return (try? ModelFile.kind(of: saved.data, path: saved.path)) == config.method
                }
                return savedAs == name
            }
            if let binding = try budget.ledger.binding(model: hash, dataset: prepared.dataset, savedAs: name),
                binding.epsilon == config.synthesisEpsilon, binding.delta == config.delta, !binding.charges.isEmpty,
                fittedForThisRun(binding)
            {
                progress("reusing the model fitted by an earlier run of this config (a new sample pays a new gate)")
                let model = try registry.loadModel(data: saved.data, path: saved.path)
                if saved.path != modelPath { try Self.saveModel(saved.data, to: modelPath) }
                // Only once the model is under its keyed name, so a failed write loses no paid model.
                unlink(unkeyedPath)
                return FittedRelease(model: model, hash: hash, charges: binding.charges, reused: true)
            }
            // A new fit would pay again for what the user believes is paid for: they decide.
            throw ReleaseError(
                "\(saved.path): the saved model of this config is not one the ledger paid for at its budget "
                    + "for this config (changed, damaged, or put there by hand from another run); remove it to fit "
                    + "anew, which is charged. Nothing was charged.")
        }
        // The ledger names the file this config's paid model was saved as: another name means the
        // ledger's file-name key changed (the ledger was edited), and a new fit would pay again.
        let fittedFor = String(Blake2b.hex(Data("fitted for \(prepared.runKey)".utf8)).prefix(24))
        if let other = try budget.ledger.savedNames(dataset: prepared.dataset, fittedFor: fittedFor)
            .first(where: { $0 != name })
        {
            throw ReleaseError(
                "the ledger says this config's paid model was saved as \(other), not \(name): its file-name key "
                    + "was changed (the ledger was edited). Restore the ledger; nothing was charged.")
        }
        let (model, reservation) = try prepared.synthesis.fitReserving(
            prepared.train, budget: budget, streams: streams, progress: progress)
        let data = try model.fileData()
        let hash = Blake2b.hex(data)
        // Refused when the fit charged nothing: a release needs a paid model.
        let binding = try budget.ledger.bind(
            model: hash, dataset: prepared.dataset, reservation: reservation, epsilon: config.synthesisEpsilon,
            delta: config.delta, savedAs: name, fittedFor: fittedFor)
        try Self.saveModel(data, to: modelPath)
        unlink(unkeyedPath)
        return FittedRelease(model: model, hash: hash, charges: binding.charges, reused: false)
    }

    /// Refuses a saved model's name in the state folder that is not a regular file, before the
    /// ledger is opened: the model is written there after its fit is charged, and a writer follows
    /// a link to a regular file (a link to the training table would have it replaced by the model)
    /// and waits on a pipe for ever; a saved model larger than any model file is refused too.
    static func refuseIrregularModels(in folder: URL) throws {
        for name in (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        where name.hasPrefix("model-") && name.hasSuffix(".json") {
            let path = folder.appendingPathComponent(name).path
            var status = stat()
            guard lstat(path, &status) == 0, status.st_mode & S_IFMT == S_IFREG,
                Int(status.st_size) <= ModelFile.largestFileBytes
            else {
                throw ReleaseError(
                    "\(path): a saved model is not a regular model file (a link, pipe, folder or device, or too "
                        + "large); remove it (the state folder holds only files dpsynth writes). Nothing was read "
                        + "into the ledger or charged.")
            }
        }
    }

    static func isLink(_ path: String) -> Bool {
        var status = stat()
        return lstat(path, &status) == 0 && status.st_mode & S_IFMT == S_IFLNK
    }

    /// Saves a model under `path` as a file of its own: a link there (made after the check in
    /// `prepare`) is removed, not followed, so the model never replaces what it leads to.
    static func saveModel(_ data: Data, to path: String) throws {
        if isLink(path) { unlink(path) }
        try AtomicFile.write(data, to: path)
    }

    /// Where this run's model is saved: named by the run's key hashed under the ledger's secret
    /// (`BudgetLedger.fileNameKey`), since the key hashes the training data's bytes and the folder
    /// sits beside the published reports.
    func modelPath(_ prepared: Prepared, ledger: BudgetLedger) throws -> String {
        Self.modelFile(
            Blake2b.hex(Data((try ledger.fileNameKey() + prepared.runKey).utf8)).prefix(24), in: prepared.stateFolder)
    }

    /// Whether the report at `reportPath` records `outcome` for the file at `path`, as it now is.
    static func reportedTable(at path: String, outcome: ReleaseOutcome, in reportPath: String) -> Bool {
        guard let bytes = FileManager.default.contents(atPath: reportPath),
            let report = try? CanonicalJSON.decode(ComplianceReport.self, from: bytes),
            report.decision.outcome == outcome,
            URL(fileURLWithPath: report.decision.syntheticPath).standardizedFileURL
                == URL(fileURLWithPath: path).standardizedFileURL,
            let hash = try? Blake2b.hex(file: path)
        else { return false }
        return hash == report.provenance.syntheticHash
    }

    /// Where a run records the renames of its outputs before it makes them (`CommitJournal`).
    static func commitJournal(in stateFolder: URL) -> String {
        stateFolder.appendingPathComponent("commit.json").path
    }

    /// The saved model named `name` in the state folder.
    static func modelFile(_ name: some StringProtocol, in folder: URL) -> String {
        folder.appendingPathComponent("model-\(name).json").path
    }

    /// Evaluates, audits and reports a synthetic table the gate has judged: the table goes to the
    /// output when the gate passed it, to the quarantine folder (with REASONS.txt) otherwise. The
    /// audit's exact findings are advisory: they are in the confidential report and REASONS.txt,
    /// and never decide.
    func publish(
        _ synthetic: EncodedDataset, privacy: ComplianceReport.PrivacyGuarantee, gate: GateReport,
        releaseCharges: [LedgerCharge], prepared: Prepared, streams: RunStreams, reusedModel: Bool,
        progress: (String) -> Void
    ) throws -> Outcome {
        // The attacks and the utility evaluation read a sample of a large release; the gate
        // above read every row.
        let sampled = AuditSample.draw(
            train: prepared.train, holdout: prepared.holdout, synthetic: synthetic, limit: auditSampleLimit,
            source: streams.audit.split(stream: 40))
        // Progress lines carry no count of the real tables, nor whether one holds more rows than
        // the limit; the sizes go to the confidential report.
        progress("auditing at most \(auditSampleLimit) rows of each table (a sample of a larger one)")
        progress("evaluating utility")
        let utility = UtilityEvaluation.evaluate(
            train: sampled.train, holdout: sampled.holdout, synthetic: sampled.synthetic,
            target: prepared.target, positive: prepared.positive, source: streams.utility)
        progress("running the attack suite")
        var auditor = PrivacyAudit(policy: prepared.policy)
        if let shadow = config.shadowModels {
            auditor.shadowModels = ShadowModelAttack(
                generator: .fitting(
                    try ShadowModelAttack.shadowGenerator(
                        prepared.synthesis.generator, registry: registry, settings: config.settings),
                    epsilon: config.epsilon, delta: config.delta),
                targets: shadow.targets, shadows: shadow.shadows, shadowRows: shadow.rows)
        }
        var audit = try auditor.run(
            PrivacyAudit.Input(
                train: sampled.train, holdout: sampled.holdout, synthetic: sampled.synthetic,
                secrets: prepared.secrets, quasiIdentifiers: prepared.quasiIdentifiers, claimedEpsilon: config.epsilon,
                delta: config.delta),
            source: streams.audit, progress: progress)
        audit.sample = sampled.sample

        // The decision is the DP gate's; a seeded run is reproducible by anyone who has the seed,
        // so its rows never reach `out`.
        let released = gate.passed && !privacy.seeded
        let reasons = (privacy.seeded ? [Self.seededReason] : []) + gate.failures
        let advisory = audit.findings.filter { !$0.passed }.map {
            String(
                format: "%@ (%@): %.3f exceeds the policy's %.3f", $0.attack, $0.criterion.rawValue, $0.value,
                $0.threshold)
        }
        let name = URL(fileURLWithPath: config.out).lastPathComponent
        let destination =
            released ? config.out : URL(fileURLWithPath: config.quarantine).appendingPathComponent(name).path
        let folder = URL(fileURLWithPath: destination).deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            throw DataError(
                file: folder.path, problem: "the folder could not be created",
                hint: "Create it first, or write somewhere else.")
        }
        // Every output is staged and all move into place together, so a stopped release leaves the
        // previous outputs or the complete new set; a killed one, stopped between two renames,
        // leaves a journal the next run finishes first.
        let files = StagedFiles(journal: Self.commitJournal(in: prepared.stateFolder))
        let tableHash = Blake2b.Stream()
        try files.add(to: destination) { writer in
            CSVWriter.write(synthetic, source: streams.write) { text in
                text.withUnsafeBytes { tableHash.add($0.bindMemory(to: UInt8.self)) }
                writer.write(text)
            }
        }
        if !released {
            try files.add(
                Data(QuarantineReasons.text(table: name, reasons: reasons, advisory: advisory).utf8),
                to: URL(fileURLWithPath: config.quarantine).appendingPathComponent(QuarantineReasons.fileName).path)
        }
        let provenance = ComplianceReport.Provenance(
            inputFile: prepared.inputName, inputHash: prepared.inputHash,
            inputRows: prepared.train.rowCount,
            schemaFile: URL(fileURLWithPath: config.schema).lastPathComponent, schemaHash: prepared.schemaHash,
            configHash: Blake2b.hex(configBytes),
            syntheticHash: tableHash.hex(), syntheticRows: synthetic.rowCount,
            holdoutHash: prepared.holdoutHash,
            toolVersion: ToolVersion.current, gitCommit: ToolVersion.gitCommit(),
            createdAt: ISO8601DateFormatter().string(from: Date()))
        let report = ComplianceReport(
            decision: .init(outcome: released ? .release : .quarantine, reasons: reasons, syntheticPath: destination),
            privacy: privacy, gate: gate, provenance: provenance, utility: utility, audit: audit,
            implementationAudit: prepared.implementationAudit, proofs: Self.proofs)

        try FileManager.default.createDirectory(
            at: URL(fileURLWithPath: config.report).deletingLastPathComponent(), withIntermediateDirectories: true)
        let reportPath = config.report + ".json"
        let htmlPath = config.report + ".html"
        let markdownPath = config.report + ".md"
        _ = try ReportSignature.stage(report, to: reportPath, key: prepared.key, in: files, replacing: reportsReplace)
        // The renderings are what most readers read: each is signed as its JSON is.
        try ReportSignature.stage(
            bytes: Data(HTMLReport.render(report).utf8), to: htmlPath, key: prepared.key, in: files,
            replacing: reportsReplace)
        try ReportSignature.stage(
            bytes: Data(MarkdownSummary.render(report).utf8), to: markdownPath, key: prepared.key, in: files,
            replacing: reportsReplace)
        let publicReport = PublicReport(report, charges: releaseCharges, method: config.method)
        let publicReportPath = publicReportName + ".json"
        let publicHTMLPath = publicReportName + ".html"
        _ = try ReportSignature.stage(
            publicReport, to: publicReportPath, key: prepared.key, in: files, replacing: reportsReplace)
        try ReportSignature.stage(
            bytes: Data(PublicHTMLReport.render(publicReport).utf8), to: publicHTMLPath, key: prepared.key,
            in: files, replacing: reportsReplace)
        // A quarantine replaces the reports that vouched for an earlier release's table at `out`:
        // that table goes first, so a run stopped at any point never leaves released rows that no
        // report speaks for (stopped before its reports are replaced, the earlier reports name a
        // table that is gone, which `verify` reports). Any other file at `out` stays.
        let superseded = !released && Self.reportedTable(at: config.out, outcome: .release, in: reportPath)
        if superseded { unlink(config.out) }
        // A release replaces the reports of an earlier quarantine in this folder: its quarantined
        // table and REASONS.txt go once they are replaced, so the folder keeps no rows and no
        // reasons that no report speaks for beside the released table.
        let quarantinedTable = URL(fileURLWithPath: config.quarantine).appendingPathComponent(name).path
        let reasonsFile = URL(fileURLWithPath: config.quarantine).appendingPathComponent(QuarantineReasons.fileName)
            .path
        let staleQuarantine =
            released && Self.reportedTable(at: quarantinedTable, outcome: .quarantine, in: reportPath)
        // Another config's quarantine may share the folder: its reasons name its own table.
        let staleReasons = staleQuarantine && QuarantineReasons.areFor(table: name, at: reasonsFile)
        try files.commit(beforeRename: beforeCommit)
        if superseded {
            progress("removed the earlier release at \(config.out): its reports are replaced by this run's")
        }
        if staleQuarantine {
            unlink(quarantinedTable)
            if staleReasons { unlink(reasonsFile) }
            progress(
                "removed the earlier run's quarantined table\(staleReasons ? " and REASONS.txt" : ""): its reports are "
                    + "replaced by this run's")
        }
        return Outcome(
            report: report, reportPath: reportPath, htmlPath: htmlPath, markdownPath: markdownPath,
            publicReportPath: publicReportPath, publicHTMLPath: publicHTMLPath, signed: prepared.key != nil,
            reusedModel: reusedModel)
    }

    /// The code of the config's positive value of the `target` encoded column
    /// (`Column.positiveCode`), or 1 when no target is named.
    func positiveCode(target: Int?, schema: Schema) throws -> UInt16 {
        guard let target else { return 1 }
        return try schema.encodedColumns[target].positiveCode(
            config.positive, targetKey: "utility.target", positiveKey: "utility.positive", file: configPath)
    }

    /// Why a seeded run is quarantined whatever its audit found.
    static let seededReason =
        "seeded randomness: a reproducible test run is never released (remove 'seed' for a private release)"

    static let proofs: [ComplianceReport.ProofReference] = [
        .init(claim: "Noise comes only from libsodium's CSPRNG", document: "Proofs/secure-randomness.md"),
        .init(claim: "The discrete Gaussian sampler is exact", document: "Proofs/discrete-gaussian.md"),
        .init(
            claim: "Exponential-mechanism selection is epsilon-DP and epsilon^2/8-zCDP",
            document: "Proofs/exponential-mechanism.md"),
        .init(claim: "zCDP composes and converts to (epsilon, delta) by CKS20", document: "Proofs/zcdp-conversion.md"),
        .init(claim: "The ledger charges before release and refuses to overspend", document: "Proofs/budget-ledger.md"),
        .init(
            claim: "MST, AIM and independent marginals satisfy their zCDP budget",
            document: "Proofs/marginal-generators.md"),
        .init(
            claim: "DP-SGD training (DP-TVAE, DP-CTGAN) satisfies its (epsilon, delta) budget",
            document: "Proofs/dp-sgd.md"),
        .init(
            claim: "The release gate is epsilon_gate-DP; the released table and decision compose to the report's "
                + "(epsilon, delta)", document: ReleaseGate.proofDocument),
    ]
}
