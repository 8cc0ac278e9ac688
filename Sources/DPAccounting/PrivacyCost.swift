/// A privacy guarantee in its native unit.
public enum PrivacyCost: Sendable, Equatable, Codable, CustomStringConvertible {
    /// Pure ε-differential privacy.
    case pure(epsilon: Double)
    /// ρ-zero-concentrated differential privacy.
    case zCDP(rho: Double)
    /// (ε, δ)-differential privacy.
    case approximate(epsilon: Double, delta: Double)

    public var description: String {
        switch self {
        case .pure(let epsilon): return "\(epsilon)-DP"
        case .zCDP(let rho): return "\(rho)-zCDP"
        case .approximate(let epsilon, let delta): return "(\(epsilon), \(delta))-DP"
        }
    }

    /// The (ε, δ) this cost implies at `delta` (pure DP needs no δ; zCDP converts by CKS20).
    public func approximateDP(delta: Double) -> (epsilon: Double, delta: Double) {
        switch self {
        case .pure(let epsilon): return (epsilon, 0)
        case .zCDP(let rho): return (ZCDP.epsilon(rho: rho, delta: delta), delta)
        case .approximate(let epsilon, let ownDelta): return (epsilon, ownDelta)
        }
    }
}

/// Why an accountant refused its inputs.
public struct AccountingError: UserFacingError, Equatable {
    public let description: String
    public init(_ description: String) { self.description = description }

    static func require(_ condition: Bool, _ message: @autoclosure () -> String) throws {
        if !condition { throw AccountingError(message()) }
    }

    static func probability(_ value: Double, _ name: String) throws {
        try require(
            value.isFinite && value > 0 && value < 1, "\(name) must lie strictly between 0 and 1 (got \(value))")
    }

    static func positive(_ value: Double, _ name: String) throws {
        try require(value.isFinite && value > 0, "\(name) must be a positive finite number (got \(value))")
    }
}

extension PrivacyCost {
    /// Throws unless every parameter is finite and in range (ε, ρ ≥ 0; 0 ≤ δ < 1).
    public func validate() throws {
        switch self {
        case .pure(let epsilon):
            try AccountingError.require(
                epsilon.isFinite && epsilon >= 0, "a charge's epsilon must be finite and non-negative (got \(epsilon))")
        case .zCDP(let rho):
            try AccountingError.require(
                rho.isFinite && rho >= 0, "a charge's rho must be finite and non-negative (got \(rho))")
        case .approximate(let epsilon, let delta):
            try AccountingError.require(
                epsilon.isFinite && epsilon >= 0, "a charge's epsilon must be finite and non-negative (got \(epsilon))")
            try AccountingError.require(
                delta.isFinite && delta >= 0 && delta < 1, "a charge's delta must lie in [0, 1) (got \(delta))")
        }
    }
}
