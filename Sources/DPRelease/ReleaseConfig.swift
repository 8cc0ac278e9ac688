import DPAudit
import DPData
import DPLedger
import DPReport
import DPSources
import DPSynthesis
import Foundation

/// A release described in YAML: what to synthesize, under which budget, how to audit it, and
/// where everything goes. Relative paths are resolved against the config file's folder; `data`
/// and `holdout` may also be PostgreSQL table URLs (`PostgresLocation`).
///
/// ```yaml
/// data: ../.data/datasets/adult/adult-train.csv
/// holdout: ../.data/datasets/adult/adult-test.csv   # real rows the generator never sees
/// schema: schemas/adult.yaml
/// method: aim            # aim, mst, independent, dp-tvae or dp-ctgan
/// epsilon: 1
/// delta: 1e-9
/// rows: 30000            # default: as many as the input
/// ledger: ../release/ledger.sqlite
/// dataset: adult
/// dataset_budget: {epsilon: 2, delta: 1e-8}   # declared when the ledger has none
/// out: ../release/adult-synthetic.csv
/// quarantine: ../release/quarantine
/// report: ../release/report          # report.json, .html, .md, .public.json, .public.html, each with a .sig
/// signing_key: ../release/keys/release.key
/// audit: {secrets: [income], quasi_identifiers: [age, sex, race], policy: policy.yaml,
///         dp_audit: audits/aim.json,   # a `dpsynth dp-audit --json` result (default: the published table)
///         shadow_models: {targets: 5, shadows: 20, rows: 2000}}   # optional, slow
/// utility: {target: income, positive: ">50K"}
/// gate: {epsilon: 0.05, max_advantage: 0.05}   # default: 5% of epsilon, 0.05
/// neural: {epochs: 20, batch_size: 1024, learning_rate: 0.005, clip: 1,
///          hidden: 64, latent: 16}   # dp-tvae and dp-ctgan
/// ```
public struct ReleaseConfig: Sendable {
    public var data: String
    public var holdout: String
    public var schema: String
    /// A method of the registry the config was read with.
    public var method = "aim"
    public var epsilon: Double
    public var delta = 1e-9
    public var rows: Int?
    public var ledger: String
    public var dataset: String?
    public var datasetBudget: (epsilon: Double, delta: Double)?
    public var out: String
    public var quarantine: String
    public var report: String
    public var signingKey: String?
    public var secrets: [String] = []
    public var quasiIdentifiers: [String] = []
    public var policy: String?
    /// A `dpsynth dp-audit --json` result of this method, shown in the report as an implementation
    /// check (default: the result published with this version for the method).
    public var dpAudit: String?
    /// Shadow-model membership inference at the release's own settings (slow: one fit per shadow).
    public var shadowModels: (targets: Int, shadows: Int, rows: Int)?
    public var target: String?
    public var positive: String?
    /// The generator's settings given in the config (`iterations`, and the `neural` mapping); the
    /// method's defaults fill the rest, and settings the method does not read are refused.
    public var settings = GeneratorSettings()
    public var workload: String?
    public var seed: UInt64?
    /// ε of one release-gate evaluation, part of `epsilon` (default: `ReleaseGate.defaultShare` of it).
    public var gateEpsilon: Double?
    /// The largest train-minus-holdout disclosure rate the gate lets through.
    public var gateMaxAdvantage = ReleaseGate.defaultMaxAdvantage
    /// The data differs from what the dataset's budget was declared for, and is a new version of
    /// the same people's data: the ledger records it and the budget covers it.
    public var newDataVersion = false

    /// What the config leaves the gate unable to ask well, one line each: secrets without
    /// quasi-identifiers make the attribute check match a real row only to synthetic rows equal
    /// on every other column, which few are, so the check passes almost whatever the release says.
    public var warnings: [String] {
        guard !secrets.isEmpty, quasiIdentifiers.isEmpty else { return [] }
        return [
            "audit.secrets is set but audit.quasi_identifiers is not: the gate's attribute check then matches "
                + "on every other column, which few synthetic rows do, so it rarely fails; name the columns an "
                + "attacker may know about a person (quasi_identifiers: [age, sex, ...])"
        ]
    }

    public static func load(path: String, registry: GeneratorRegistry = .standard) throws -> (ReleaseConfig, Data) {
        guard let bytes = FileManager.default.contents(atPath: path), let text = String(data: bytes, encoding: .utf8)
        else {
            throw DataError(
                file: path, problem: "cannot read the release config",
                hint: "Check the path (see Examples/release.yaml).")
        }
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
        return (try parse(text, file: path, relativeTo: folder, registry: registry), bytes)
    }

    static let keys = [
        "data", "holdout", "schema", "method", "epsilon", "delta", "rows", "ledger", "dataset", "dataset_budget", "out",
        "quarantine", "report", "signing_key", "audit", "utility", "iterations", "workload", "seed", "neural",
        "new_data_version", "gate",
    ]

    /// ε of one gate evaluation.
    public var gateShare: Double { gateEpsilon ?? epsilon * ReleaseGate.defaultShare }

    /// ε the synthesis spends: the release's ε less the gate's.
    public var synthesisEpsilon: Double { epsilon - gateShare }

    public static func parse(
        _ text: String, file: String, relativeTo folder: URL, registry: GeneratorRegistry = .standard
    ) throws -> ReleaseConfig {
        let yaml = try YAMLMapping.parse(text, file: file, allowed: keys, example: "see Examples/release.yaml")
        func resolve(_ text: String) -> String {
            text.hasPrefix("/") || PostgresLocation.isDatabase(text)
                ? text : folder.appendingPathComponent(text).standardizedFileURL.path
        }
        func path(_ key: String) throws -> String? {
            try yaml.string(key).map(resolve)
        }
        func requiredPath(_ key: String) throws -> String {
            _ = try yaml.required(key)
            return try path(key)!
        }
        _ = try yaml.required("epsilon")
        var config = ReleaseConfig(
            data: try requiredPath("data"), holdout: try requiredPath("holdout"), schema: try requiredPath("schema"),
            epsilon: try yaml.number("epsilon", in: Double.leastNonzeroMagnitude...FitRequest.largestEpsilon)!,
            ledger: try path("ledger") ?? LedgerLocation.defaultPath, out: try requiredPath("out"),
            quarantine: "", report: try requiredPath("report"))
        // The confidential reports of 'x.public' would be x.public.json and x.public.html: the names
        // of the public reports of 'x', which a reader would take for, and a release would replace.
        guard !URL(fileURLWithPath: config.report).lastPathComponent.hasSuffix(PublicReport.nameSuffix) else {
            throw yaml.error(
                at: yaml["report"],
                "'report' ends in '\(PublicReport.nameSuffix)': its confidential reports would bear public "
                    + "reports' names",
                hint: "Give the reports' name without it (for example 'report: out/report'); the public ones add it.")
        }
        config.quarantine =
            try path("quarantine")
            ?? URL(fileURLWithPath: config.out).deletingLastPathComponent().appendingPathComponent("quarantine").path
        if let method = try yaml.string("method") {
            guard registry.methods.contains(method) else {
                throw yaml.error(
                    at: yaml["method"], "'method' must be one of \(registry.names)", hint: "For example 'method: aim'.")
            }
            config.method = method
        }
        if let delta = try yaml.number("delta", example: "1e-9") {
            guard delta < 1 else {
                throw yaml.error(
                    at: yaml["delta"], "'delta' must lie strictly between 0 and 1", hint: "For example 'delta: 1e-9'.")
            }
            config.delta = delta
        }
        config.rows = try yaml.count("rows", limit: FitRequest.largestRowCount)
        config.settings.iterations = try yaml.count(
            "iterations", limit: GeneratorSettings.largestCount(.iterations))
        if let node = yaml["seed"] {
            guard let seed = YAMLMapping.wholeNumber(node), seed >= 0 else {
                throw yaml.error(
                    at: node, "'seed' must be a non-negative integer", hint: "Remove it for a private release.")
            }
            config.seed = UInt64(seed)
        }
        config.dataset = try yaml.string("dataset")
        if let node = yaml["new_data_version"] {
            guard let value = node.bool else {
                throw yaml.error(
                    at: node, "'new_data_version' must be true or false", hint: "Remove it, or write true.")
            }
            config.newDataVersion = value
        }
        config.signingKey = try path("signing_key")
        config.workload = try path("workload")
        if let budget = try yaml.mapping("dataset_budget", allowed: ["epsilon", "delta"]) {
            _ = try budget.required("epsilon")
            _ = try budget.required("delta")
            let delta = try budget.number("delta", example: "1e-8")!
            guard delta < 1 else {
                throw budget.error(
                    at: budget["delta"], "'dataset_budget.delta' must lie strictly between 0 and 1",
                    hint: "For example 'dataset_budget: {epsilon: 2, delta: 1e-8}'.")
            }
            let epsilon = try budget.number("epsilon")!
            // A budget is declared once and never raised: one smaller than this run would be stored,
            // then the run refused, and the dataset stuck with it.
            guard epsilon >= config.epsilon, delta >= config.delta else {
                throw budget.error(
                    at: budget.node,
                    "'dataset_budget' (\(epsilon), \(delta)) is smaller than this release's (\(config.epsilon), "
                        + "\(config.delta)); a budget is declared once and never raised",
                    hint: "Declare the dataset's whole budget, at least this release's epsilon and delta.")
            }
            config.datasetBudget = (epsilon, delta)
        }
        if let audit = try yaml.mapping(
            "audit", allowed: ["secrets", "quasi_identifiers", "policy", "shadow_models", "dp_audit"])
        {
            if let shadow = try audit.mapping("shadow_models", allowed: ["targets", "shadows", "rows"]) {
                guard (try? registry.type(named: config.method))?.family == .marginal else {
                    throw audit.error(
                        at: shadow.node,
                        "shadow models refit the generator many times and are offered for aim, mst and "
                            + "independent only",
                        hint: "Remove 'shadow_models', or audit a marginal method.")
                }
                config.shadowModels = try ShadowModelAttack.settings(from: shadow)
            }
            config.secrets = try audit.names("secrets")
            config.quasiIdentifiers = try audit.names("quasi_identifiers")
            config.policy = try audit.string("policy").map(resolve)
            config.dpAudit = try audit.string("dp_audit").map(resolve)
        }
        let neuralKeys: [GeneratorSettings.Key] = [
            .epochs, .batchSize, .learningRate, .clip, .hidden, .latent, .klWeight,
        ]
        if let neural = try yaml.mapping("neural", allowed: neuralKeys.map(\.rawValue)) {
            // Each within the range the settings accept, so an error names the line it is on.
            func count(_ key: GeneratorSettings.Key) throws -> Int? {
                try neural.count(key.rawValue, limit: GeneratorSettings.largestCount(key))
            }
            func real(_ key: GeneratorSettings.Key) throws -> Double? {
                try neural.number(key.rawValue, in: GeneratorSettings.range(key))
            }
            config.settings.epochs = try count(.epochs)
            config.settings.batchSize = try count(.batchSize)
            config.settings.hidden = try count(.hidden)
            config.settings.latent = try count(.latent)
            config.settings.learningRate = try real(.learningRate)
            config.settings.clip = try real(.clip)
            config.settings.klWeight = try real(.klWeight)
        }
        if let gate = try yaml.mapping("gate", allowed: ["epsilon", "max_advantage"]) {
            if let share = try gate.number("epsilon", in: Double.leastNonzeroMagnitude...FitRequest.largestEpsilon) {
                guard share < config.epsilon else {
                    throw gate.error(
                        at: gate["epsilon"],
                        "'gate.epsilon' must be less than the release's epsilon, of which it is part",
                        hint: "For example 'gate: {epsilon: \(config.epsilon * ReleaseGate.defaultShare)}'.")
                }
                config.gateEpsilon = share
            }
            config.gateMaxAdvantage = try gate.number("max_advantage", in: 0...1) ?? ReleaseGate.defaultMaxAdvantage
        }
        if let utility = try yaml.mapping("utility", allowed: ["target", "positive"]) {
            config.target = try utility.string("target")
            config.positive = try utility.string("positive")
        }
        return config
    }
}
