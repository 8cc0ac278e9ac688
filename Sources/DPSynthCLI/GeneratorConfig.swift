import DPAudit
import DPData
import DPGenerators
import DPRelease
import DPSynthesis
import Foundation
import Yams

/// The `--generator-config` file of `dpsynth audit`: the generator and settings the release used,
/// so the audit can refit it on shadow datasets.
///
/// ```yaml
/// method: mst        # aim, mst or independent
/// epsilon: 1
/// delta: 1e-9
/// iterations: 200    # mirror-descent iterations per fit
/// targets: 5         # the most outlying training rows
/// shadows: 20        # fits per target, half with the target
/// rows: 2000         # rows per shadow dataset, drawn from the holdout
/// ```
enum GeneratorConfig {
    static func load(_ path: String) throws -> ShadowModelAttack {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw CommandFailure("\(path): cannot read the generator config")
        }
        let root: Node?
        do { root = try Yams.compose(yaml: text) } catch {
            throw CommandFailure("\(path): invalid YAML; write 'key: value' lines")
        }
        guard let root, case .mapping(let mapping) = root else {
            throw CommandFailure("\(path): the generator config must be a mapping")
        }
        let allowed = ["method", "epsilon", "delta", "iterations", "targets", "shadows", "rows"]
        var values: [String: Double] = [:]
        var method = MSTGenerator.method
        for (key, value) in mapping {
            let name = key.string ?? ""
            let place = "\(path):\(key.mark?.line ?? 0)"
            guard allowed.contains(name) else {
                throw CommandFailure("\(place): unknown key '\(name)'; allowed: \(allowed.joined(separator: ", "))")
            }
            if name == "method" {
                let registry = GeneratorRegistry.standard
                guard let parsed = value.string, (try? registry.type(named: parsed))?.family == .marginal else {
                    throw CommandFailure("\(place): 'method' must be aim, mst or independent")
                }
                method = parsed
            } else {
                guard let number = value.float, number.isFinite, number > 0 else {
                    throw CommandFailure("\(place): '\(name)' must be a positive number")
                }
                values[name] = number
            }
        }
        guard let epsilon = values["epsilon"] else {
            throw CommandFailure("\(path): the generator config needs 'epsilon'")
        }
        let delta = values["delta"] ?? 1e-9
        guard delta < 1 else { throw CommandFailure("\(path): 'delta' must lie strictly between 0 and 1") }
        var settings = GeneratorSettings()
        settings.iterations = values["iterations"].map { Int($0) }
        let generator = try ShadowModelAttack.shadowGenerator(
            try GeneratorRegistry.standard.generator(named: method), registry: .standard, settings: settings)
        return ShadowModelAttack(
            generator: .fitting(generator, epsilon: epsilon, delta: delta),
            targets: values["targets"].map { Int($0) } ?? ShadowModelAttack.defaultTargets,
            shadows: values["shadows"].map { Int($0) } ?? ShadowModelAttack.defaultShadows,
            shadowRows: values["rows"].map { Int($0) } ?? ShadowModelAttack.defaultShadowRows)
    }
}
