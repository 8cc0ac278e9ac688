import DPAudit
import DPData
import DPSynthesis
import Foundation
import Yams

/// A release described in YAML: what to synthesize, under which budget, how to audit it, and
/// where everything goes. Relative paths are resolved against the config file's folder.
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
/// report: ../release/report          # report.json, report.json.sig, report.html, report.md
/// signing_key: ../release/keys/release.key
/// audit: {secrets: [income], quasi_identifiers: [age, sex, race], policy: policy.yaml,
///         shadow_models: {targets: 5, shadows: 20, rows: 2000}}   # optional, slow
/// utility: {target: income, positive: ">50K"}
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
    /// Shadow-model membership inference at the release's own settings (slow: one fit per shadow).
    public var shadowModels: (targets: Int, shadows: Int, rows: Int)?
    public var target: String?
    public var positive: String?
    /// The generator's settings given in the config (`iterations`, and the `neural` mapping); the
    /// method's defaults fill the rest, and settings the method does not read are refused.
    public var settings = GeneratorSettings()
    public var workload: String?
    public var seed: UInt64?

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
    ]

    public static func parse(
        _ text: String, file: String, relativeTo folder: URL, registry: GeneratorRegistry = .standard
    ) throws -> ReleaseConfig {
        func fail(_ node: Node?, _ problem: String, _ hint: String) -> DataError {
            DataError(file: file, line: node?.mark?.line, column: node?.mark?.column, problem: problem, hint: hint)
        }
        let root: Node?
        do { root = try Yams.compose(yaml: text) } catch {
            throw fail(nil, "invalid YAML", "Write the config as 'key: value' lines (see Examples/release.yaml).")
        }
        guard let root, case .mapping(let mapping) = root else {
            throw fail(
                root, "the release config must be a mapping",
                "Start with 'data:', 'schema:', 'epsilon:' and the other keys of Examples/release.yaml.")
        }
        var values: [String: Node] = [:]
        for (key, value) in mapping {
            guard let name = key.string, keys.contains(name) else {
                throw fail(key, "unknown key '\(key.string ?? "?")'", "Allowed keys: \(keys.joined(separator: ", ")).")
            }
            values[name] = value
        }
        func path(_ node: Node) -> String {
            let text = node.string ?? ""
            return text.hasPrefix("/") ? text : folder.appendingPathComponent(text).standardizedFileURL.path
        }
        func required(_ key: String) throws -> Node {
            guard let node = values[key] else {
                throw fail(root, "the release config needs '\(key)'", "Add '\(key): ...' (see Examples/release.yaml).")
            }
            return node
        }
        func number(_ node: Node, _ key: String, positive: Bool = true) throws -> Double {
            guard let value = node.float, value.isFinite, !positive || value > 0 else {
                throw fail(node, "'\(key)' must be a positive number", "For example '\(key): 1'.")
            }
            return value
        }
        func count(_ node: Node, _ key: String) throws -> Int {
            guard let value = node.float, value.isFinite, value >= 1, value <= 1e12, let whole = Int(exactly: value)
            else {
                throw fail(node, "'\(key)' must be a whole number from 1 to 10^12", "For example '\(key): 1000'.")
            }
            return whole
        }
        func names(_ node: Node?, _ key: String) throws -> [String] {
            guard let node else { return [] }
            guard case .sequence(let sequence) = node else {
                throw fail(node, "'\(key)' must be a list of column names", "For example '\(key): [age, sex]'.")
            }
            return sequence.map { $0.string ?? "" }
        }
        var config = ReleaseConfig(
            data: path(try required("data")), holdout: path(try required("holdout")),
            schema: path(try required("schema")),
            epsilon: try number(try required("epsilon"), "epsilon"), ledger: path(try required("ledger")),
            out: path(try required("out")), quarantine: "", report: path(try required("report")))
        config.quarantine =
            values["quarantine"].map(path)
            ?? URL(fileURLWithPath: config.out).deletingLastPathComponent().appendingPathComponent("quarantine").path
        if let node = values["method"] {
            guard let method = node.string, registry.methods.contains(method) else {
                throw fail(node, "'method' must be one of \(registry.names)", "For example 'method: aim'.")
            }
            config.method = method
        }
        if let node = values["delta"] {
            config.delta = try number(node, "delta")
            guard config.delta < 1 else {
                throw fail(node, "'delta' must lie strictly between 0 and 1", "For example 'delta: 1e-9'.")
            }
        }
        if let node = values["rows"] { config.rows = try count(node, "rows") }
        if let node = values["iterations"] { config.settings.iterations = try count(node, "iterations") }
        if let node = values["seed"] {
            guard let seed = node.int, seed >= 0 else {
                throw fail(node, "'seed' must be a non-negative integer", "Remove it for a private release.")
            }
            config.seed = UInt64(seed)
        }
        config.dataset = values["dataset"]?.string
        config.signingKey = values["signing_key"].map(path)
        config.workload = values["workload"].map(path)
        if let node = values["dataset_budget"] {
            guard case .mapping(let budget) = node, let e = budget["epsilon"], let d = budget["delta"] else {
                throw fail(
                    node, "'dataset_budget' needs epsilon and delta",
                    "For example 'dataset_budget: {epsilon: 2, delta: 1e-8}'.")
            }
            config.datasetBudget = (try number(e, "dataset_budget.epsilon"), try number(d, "dataset_budget.delta"))
        }
        if let node = values["audit"] {
            guard case .mapping(let audit) = node else {
                throw fail(node, "'audit' must be a mapping", "For example 'audit: {secrets: [income]}'.")
            }
            for (key, _) in audit
            where !["secrets", "quasi_identifiers", "policy", "shadow_models"].contains(key.string ?? "") {
                throw fail(
                    key, "unknown key '\(key.string ?? "?")' in 'audit'",
                    "Allowed keys: secrets, quasi_identifiers, policy, shadow_models.")
            }
            if let node = audit["shadow_models"] {
                guard case .mapping(let shadow) = node else {
                    throw fail(
                        node, "'shadow_models' must be a mapping",
                        "For example 'shadow_models: {targets: 5, shadows: 20, rows: 2000}'.")
                }
                guard (try? registry.type(named: config.method))?.family == .marginal else {
                    throw fail(
                        node,
                        "shadow models refit the generator many times and are offered "
                            + "for aim, mst and independent only",
                        "Remove 'shadow_models', or audit a marginal method.")
                }
                config.shadowModels = (
                    try shadow["targets"].map { try count($0, "targets") } ?? ShadowModelAttack.defaultTargets,
                    try shadow["shadows"].map { try count($0, "shadows") } ?? ShadowModelAttack.defaultShadows,
                    try shadow["rows"].map { try count($0, "rows") } ?? ShadowModelAttack.defaultShadowRows
                )
            }
            config.secrets = try names(audit["secrets"], "secrets")
            config.quasiIdentifiers = try names(audit["quasi_identifiers"], "quasi_identifiers")
            config.policy = audit["policy"].map(path)
        }
        if let node = values["neural"] {
            guard case .mapping(let neural) = node else {
                throw fail(node, "'neural' must be a mapping", "For example 'neural: {epochs: 10, batch_size: 512}'.")
            }
            let allowed = ["epochs", "batch_size", "learning_rate", "clip", "hidden", "latent", "kl_weight"]
            for (key, value) in neural {
                guard let name = key.string, allowed.contains(name) else {
                    throw fail(
                        key, "unknown key '\(key.string ?? "?")' in 'neural'",
                        "Allowed keys: \(allowed.joined(separator: ", ")).")
                }
                switch GeneratorSettings.Key(rawValue: name) {
                case .epochs: config.settings.epochs = try count(value, name)
                case .batchSize: config.settings.batchSize = try count(value, name)
                case .hidden: config.settings.hidden = try count(value, name)
                case .latent: config.settings.latent = try count(value, name)
                case .learningRate: config.settings.learningRate = try number(value, name)
                case .clip: config.settings.clip = try number(value, name)
                case .klWeight: config.settings.klWeight = try number(value, name)
                case .iterations, .workload, nil: break
                }
            }
        }
        if let node = values["utility"] {
            guard case .mapping(let utility) = node else {
                throw fail(node, "'utility' must be a mapping", "For example 'utility: {target: income}'.")
            }
            config.target = utility["target"]?.string
            config.positive = utility["positive"]?.string
        }
        return config
    }
}
