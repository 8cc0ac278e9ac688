import DPData
import Foundation
import Yams

/// The thresholds a release must meet. Each attack fails the release when its risk estimate
/// (or the membership AUC) exceeds its threshold; an empirical epsilon above the claimed epsilon
/// always fails (it shows the claimed guarantee is broken).
///
/// ```yaml
/// membership_auc: 0.6        # distance and density-ratio attacks
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

    public static func load(path: String) throws -> AuditPolicy {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw DataError(
                file: path, problem: "cannot read the policy file", hint: "Check the path (see Examples/policy.yaml).")
        }
        return try parse(text, file: path)
    }

    public static func parse(_ text: String, file: String = "policy") throws -> AuditPolicy {
        let root: Node?
        do { root = try Yams.compose(yaml: text) } catch {
            throw DataError(
                file: file, problem: "invalid YAML",
                hint: "Write the policy as 'key: number' lines (see Examples/policy.yaml).")
        }
        var policy = AuditPolicy()
        guard let root else { return policy }
        guard case .mapping(let mapping) = root else {
            throw DataError(
                file: file, line: root.mark.map { $0.line }, problem: "the policy must be a mapping of thresholds",
                hint: "Write 'membership_auc: 0.6' and similar lines.")
        }
        for (keyNode, valueNode) in mapping {
            let key = keyNode.string ?? ""
            let line = keyNode.mark?.line
            let column = keyNode.mark?.column
            guard let path = keys[key] else {
                throw DataError(
                    file: file, line: line, column: column, problem: "unknown policy key '\(key)'",
                    hint: "Use one of: \(keys.keys.sorted().joined(separator: ", ")).")
            }
            guard let value = valueNode.float, value.isFinite, value >= 0, value <= 1 else {
                throw DataError(
                    file: file, line: valueNode.mark?.line, column: valueNode.mark?.column,
                    problem: "'\(key)' must be a number between 0 and 1", hint: "For example '\(key): 0.1'.")
            }
            policy[keyPath: path] = value
        }
        return policy
    }
}
