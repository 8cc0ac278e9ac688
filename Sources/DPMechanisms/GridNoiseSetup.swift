import DPRandomness

/// What the float-safe mechanisms share: checked parameters, the dyadic grid, the scale in grid
/// units (rounded up), and the release loop (round onto the grid, add integer noise, round back).
struct GridNoiseSetup: Sendable {
    let sensitivity: Double
    let dimension: Int
    let grid: DyadicGrid
    let scaleUnits: ExactInteger

    init(sensitivity: Double, scale: Double, scaleName: String, dimension: Int, resolutionBits: Int) throws {
        guard sensitivity.isFinite, sensitivity >= 0 else {
            throw MechanismError("sensitivity must be finite and non-negative (got \(sensitivity))")
        }
        _ = try ExactRational.positiveParameter(scale, scaleName)
        guard dimension >= 1 else { throw MechanismError("dimension must be at least 1 (got \(dimension))") }
        self.sensitivity = sensitivity
        self.dimension = dimension
        grid = DyadicGrid(scale: scale, resolutionBits: resolutionBits)
        scaleUnits = grid.unitsCeiling(scale)
    }

    /// Throws unless `values` can be noised: at most `dimension` of them, each finite. Callers
    /// check before they charge, so input that cannot be released costs no budget.
    func check(_ values: [Double]) throws {
        try check(count: values.count)
        if let bad = values.first(where: { !$0.isFinite }) {
            throw MechanismError("cannot add noise to a non-finite value (\(bad))")
        }
    }

    func check(count: Int) throws {
        guard count <= dimension else {
            throw MechanismError("this mechanism was built for \(dimension) values, got \(count)")
        }
    }

    /// The noisy values of answers given exactly: each is rounded onto the grid from its exact
    /// value, so no rounding to a double comes before the grid's (which the sensitivity's one
    /// grid step a coordinate would not cover).
    func release(exact values: [ExactRational], noise: () -> ExactInteger) throws -> [Double] {
        try check(count: values.count)
        return values.map { grid.value(at: grid.index(ofExact: $0) + noise()) }
    }

    /// The noisy values: each finite input rounded onto the grid plus one integer noise draw.
    func release(_ values: [Double], noise: () -> ExactInteger) throws -> [Double] {
        try check(values)
        return values.map { grid.value(at: grid.index(of: $0) + noise()) }
    }
}
