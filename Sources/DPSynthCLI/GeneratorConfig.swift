import DPAudit
import DPData
import DPGenerators
import DPRelease
import DPSynthesis
import Foundation

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
    static let keys = ["method", "epsilon", "delta", "iterations", "targets", "shadows", "rows"]

    static func load(_ path: String) throws -> ShadowModelAttack {
        let yaml = try YAMLMapping.load(
            path: path, what: "generator config", allowed: keys, example: "see `dpsynth audit --help`")
        let registry = GeneratorRegistry.standard
        let method = try yaml.string("method") ?? MSTGenerator.method
        guard (try? registry.type(named: method))?.family == .marginal else {
            throw yaml.error(
                at: yaml["method"], "'method' must be aim, mst or independent", hint: "For example 'method: mst'.")
        }
        _ = try yaml.required("epsilon")
        let epsilon = try yaml.number("epsilon")!
        let delta = try yaml.number("delta", in: 1e-300...0.999_999, example: "1e-9") ?? 1e-9
        var settings = GeneratorSettings()
        settings.iterations = try yaml.count("iterations", limit: GeneratorSettings.largestCount(.iterations))
        let generator = try ShadowModelAttack.shadowGenerator(
            try registry.generator(named: method), registry: registry, settings: settings)
        let asked = try ShadowModelAttack.settings(from: yaml)
        return ShadowModelAttack(
            generator: .fitting(generator, epsilon: epsilon, delta: delta), targets: asked.targets,
            shadows: asked.shadows, shadowRows: asked.rows)
    }
}
