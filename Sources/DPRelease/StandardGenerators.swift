import DPGenerators
import DPNeural
import DPSynthesis

extension GeneratorRegistry {
    /// The methods `dpsynth` offers. A new method is one file conforming to `Generator` and one
    /// line here.
    public static let standard = GeneratorRegistry([
        AIMGenerator.self,
        MSTGenerator.self,
        IndependentGenerator.self,
        TVAEGenerator.self,
        CTGANGenerator.self,
    ])
}
