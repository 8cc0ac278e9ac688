import DPAccounting
import DPRandomness

/// The only public way to get a mechanism's output is to charge its cost to a budget first. Code
/// in this package may also show the receipt of one charge made for several releases (a DP-SGD
/// plan, a joint measurement); those overloads are `package`, so a client cannot pay for one
/// release and draw another.
///
/// Privacy: `release(_:chargingTo:...)` returns no output when the budget refuses the charge, and
/// draws the noise only after the charge is recorded (Proofs/budget-ledger.md).
extension PrivacyBudget {
    /// Charges `cost` under `mechanism`, then returns `draw()`.
    func pay<Output>(
        _ cost: PrivacyCost, mechanism: String, parameters: some Encodable, source: RandomSource,
        draw: () throws -> Output
    ) throws -> Output {
        _ = try charge(Charge(mechanism: mechanism, parameters: parameters, cost: cost, seeded: source.isSeeded))
        return try draw()
    }
}

/// Parameters recorded with a noise mechanism's charge.
public struct NoiseParameters: Encodable, Sendable {
    public let scale: String
    public let sensitivity: String
    public let count: Int

    public init(scale: String, sensitivity: String, count: Int) {
        self.scale = scale
        self.sensitivity = sensitivity
        self.count = count
    }
}

extension IntegerGaussianMechanism {
    /// Charges `budget`, then returns the noisy answers (joint L2 sensitivity `sensitivity`).
    public func release(
        _ values: [Int], chargingTo budget: any PrivacyBudget, mechanism: String = "discrete-gaussian",
        source: RandomSource
    ) throws -> [Int] {
        let parameters = NoiseParameters(scale: "\(sigma)", sensitivity: "\(sensitivity)", count: values.count)
        return try budget.pay(privacyCost, mechanism: mechanism, parameters: parameters, source: source) {
            draw(values, source: source)
        }
    }

    /// The noisy answers, paid for by a charge that covers them.
    package func release(_ values: [Int], paidBy receipt: ChargeReceipt, source: RandomSource) -> [Int] {
        draw(values, source: source)
    }
}

extension IntegerLaplaceMechanism {
    /// Charges `budget`, then returns the noisy answers (joint L1 sensitivity `sensitivity`).
    public func release(
        _ values: [Int], chargingTo budget: any PrivacyBudget, mechanism: String = "discrete-laplace",
        source: RandomSource
    ) throws -> [Int] {
        let parameters = NoiseParameters(scale: "\(scale)", sensitivity: "\(sensitivity)", count: values.count)
        return try budget.pay(privacyCost, mechanism: mechanism, parameters: parameters, source: source) {
            draw(values, source: source)
        }
    }

    /// The noisy answers, paid for by a charge that covers them.
    package func release(_ values: [Int], paidBy receipt: ChargeReceipt, source: RandomSource) -> [Int] {
        draw(values, source: source)
    }
}

extension FloatGaussianMechanism {
    /// Charges `budget`, then returns the noisy values; each input must be finite.
    public func release(
        _ values: [Double], chargingTo budget: any PrivacyBudget, mechanism: String = "float-gaussian",
        source: RandomSource
    ) throws -> [Double] {
        try setup.check(values)
        let parameters = NoiseParameters(scale: "\(sigma)", sensitivity: "\(sensitivity)", count: values.count)
        return try budget.pay(privacyCost, mechanism: mechanism, parameters: parameters, source: source) {
            try draw(values, source: source)
        }
    }

    /// The noisy values, paid for by a charge that covers them (a DP-SGD plan's steps).
    package func release(_ values: [Double], paidBy receipt: ChargeReceipt, source: RandomSource) throws -> [Double] {
        try draw(values, source: source)
    }

    /// The noisy values of answers given exactly, paid for by a charge that covers them.
    package func release(exact values: [ExactRational], paidBy receipt: ChargeReceipt, source: RandomSource) throws
        -> [Double]
    {
        try draw(exact: values, source: source)
    }
}

extension FloatLaplaceMechanism {
    /// Charges `budget`, then returns the noisy values; each input must be finite.
    public func release(
        _ values: [Double], chargingTo budget: any PrivacyBudget, mechanism: String = "float-laplace",
        source: RandomSource
    ) throws -> [Double] {
        try setup.check(values)
        let parameters = NoiseParameters(scale: "\(scale)", sensitivity: "\(sensitivity)", count: values.count)
        return try budget.pay(privacyCost, mechanism: mechanism, parameters: parameters, source: source) {
            try draw(values, source: source)
        }
    }

    /// The noisy values, paid for by a charge that covers them.
    package func release(_ values: [Double], paidBy receipt: ChargeReceipt, source: RandomSource) throws -> [Double] {
        try draw(values, source: source)
    }

    /// The noisy values of answers given exactly, paid for by a charge that covers them.
    package func release(exact values: [ExactRational], paidBy receipt: ChargeReceipt, source: RandomSource) throws
        -> [Double]
    {
        try draw(exact: values, source: source)
    }
}

/// Parameters recorded with an exponential-mechanism selection's charge.
public struct SelectionParameters: Encodable, Sendable {
    public let selection: String
    public let candidates: Int
    public let epsilon: Double
    public let sensitivity: Double
}

extension ExponentialMechanism {
    /// Charges `cost` (the pure ε, or the bounded-range ρ = ε²/8) to `budget`, then selects.
    public func select(
        scores: [Double], chargingTo budget: any PrivacyBudget, cost: PrivacyCost, label: String,
        source: RandomSource
    ) throws -> Int {
        guard cost == privacyCost || cost == zCDPCost else {
            throw MechanismError("an exponential-mechanism selection costs \(privacyCost) or \(zCDPCost), not \(cost)")
        }
        try check(scores: scores)
        let parameters = SelectionParameters(
            selection: label, candidates: scores.count, epsilon: epsilon, sensitivity: sensitivity)
        return try budget.pay(cost, mechanism: "exponential-mechanism", parameters: parameters, source: source) {
            try draw(scores: scores, source: source)
        }
    }
}

extension ExponentialMechanism {
    /// The selection, paid for by a charge that covers it (one charge for several selections).
    package func select(scores: [Double], paidBy receipt: ChargeReceipt, source: RandomSource) throws -> Int {
        try draw(scores: scores, source: source)
    }
}
