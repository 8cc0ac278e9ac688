import DPRandomness

@testable import DPGenerators

extension GraphicalModel {
    /// The model with every log-potential cell drawn from a seeded source, uniformly on a grid
    /// of step 1/500 in [-spread, spread).
    func withRandomPotentials(seed: UInt64, spread: Double) -> GraphicalModel {
        var model = self
        let source = RandomSource.seeded(seed)
        let steps = UInt64((1000 * spread).rounded())
        for index in model.potentials.indices {
            for cell in model.potentials[index].values.indices {
                model.potentials[index].values[cell] = Double(source.uniform(below: steps)) / 500 - spread
            }
        }
        return model
    }
}
