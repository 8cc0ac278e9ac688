import DPAudit
import DPSynthesis

extension ShadowModelAttack {
    /// Mirror-descent iterations of each shadow fit, at most: a shadow fit is repeated for every
    /// shadow dataset, so it runs shorter than the release's own fit. `audit` and `release` both
    /// use it.
    public static let shadowIterations = 200

    /// The release's generator with the shadow fits' settings.
    public static func shadowGenerator(
        _ generator: any Generator, registry: GeneratorRegistry, settings: GeneratorSettings
    ) throws -> any Generator {
        let type = type(of: generator)
        var settings = settings
        if type.acceptedSettings.contains(.iterations) {
            settings.iterations = min(settings.iterations ?? shadowIterations, shadowIterations)
        }
        return try registry.generator(named: type.method, settings: settings)
    }
}
