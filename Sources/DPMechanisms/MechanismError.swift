import DPAccounting
import DPRandomness

/// A mechanism refused its parameters; the message says which and why.
public struct MechanismError: UserFacingError, Equatable {
    public let description: String
    public init(_ description: String) { self.description = description }
}

extension ExactRational {
    /// A positive finite parameter as an exact rational, or a `MechanismError` naming it.
    static func positiveParameter(_ value: Double, _ name: String) throws -> ExactRational {
        guard value.isFinite, value > 0, let exact = ExactRational(exactly: value) else {
            throw MechanismError("\(name) must be a positive finite number (got \(value))")
        }
        return exact
    }
}
