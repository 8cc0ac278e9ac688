import DPData
import Foundation

/// The thresholds a release must meet. Each attack fails the release when its risk estimate
/// (or the membership AUC) exceeds its threshold; a membership AUC as far below 0.5 fails too
/// (the synthetic rows follow the holdout's real rows); an empirical epsilon above the claimed
/// epsilon always fails (it shows the claimed guarantee is broken).
///
/// ```yaml
/// membership_auc: 0.6        # distance and density-ratio attacks, 0.5 to 1, both sides of 0.5
/// singling_out_risk: 0.1     # beyond the exact chance rate
/// linkability_risk: 0.1
/// inference_risk: 0.2        # each secret column
/// model_inversion_risk: 0.2
/// shadow_model_auc: 0.8     # mean per-target AUC, when shadow models are run
/// ```
public struct AuditPolicy: Sendable, Codable, Equatable {
    public var membershipAUC = 0.6
    public var singlingOutRisk = 0.1
    public var linkabilityRisk = 0.1
    public var inferenceRisk = 0.2
    public var modelInversionRisk = 0.2
    public var shadowModelAUC = 0.8

    public init() {}

    nonisolated(unsafe) static let keys: [String: WritableKeyPath<AuditPolicy, Double>] = [
        "membership_auc": \.membershipAUC, "singling_out_risk": \.singlingOutRisk,
        "linkability_risk": \.linkabilityRisk,
        "inference_risk": \.inferenceRisk, "model_inversion_risk": \.modelInversionRisk,
        "shadow_model_auc": \.shadowModelAUC,
    ]

    static let example = "see Examples/policy.yaml"

    public static func load(path: String) throws -> AuditPolicy {
        try read(YAMLMapping.load(path: path, what: "policy file", allowed: keys.keys.sorted(), example: example))
    }

    public static func parse(_ text: String, file: String = "policy") throws -> AuditPolicy {
        try read(YAMLMapping.parse(text, file: file, allowed: keys.keys.sorted(), example: example))
    }

    static func read(_ yaml: YAMLMapping) throws -> AuditPolicy {
        var policy = AuditPolicy()
        for (key, path) in keys {
            // The membership AUC is judged on both sides of 0.5: a threshold below it would fail
            // every table.
            let range = key == "membership_auc" ? 0.5...1 : 0...1
            if let value = try yaml.number(key, in: range) { policy[keyPath: path] = value }
        }
        return policy
    }
}
