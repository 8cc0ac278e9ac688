import DPAccounting

/// Settings a run may give a generator. Each generator names the keys it reads
/// (`Generator.acceptedSettings`); `GeneratorRegistry` refuses any other key given to it, so a
/// setting is never silently ignored.
public struct GeneratorSettings: Sendable, Equatable {
    /// A setting's name, as a config file spells it.
    public enum Key: String, Sendable, CaseIterable, Comparable {
        case iterations
        case workload
        case epochs
        case batchSize = "batch_size"
        case learningRate = "learning_rate"
        case clip
        case hidden
        case latent
        case klWeight = "kl_weight"

        public static func < (left: Key, right: Key) -> Bool { left.rawValue < right.rawValue }
    }

    /// Mirror-descent iterations of the final model estimate (marginal methods).
    public var iterations: Int?
    /// Attribute sets (encoded column indices) the method should preserve (AIM).
    public var workload: [[Int]]?
    public var epochs: Int?
    /// Expected Poisson batch size (neural methods).
    public var batchSize: Int?
    public var learningRate: Double?
    /// Per-example clipping norm (neural methods).
    public var clip: Double?
    /// Hidden-layer width (neural methods).
    public var hidden: Int?
    /// Latent dimension (DP-TVAE).
    public var latent: Int?
    /// Weight of the KL term (DP-TVAE).
    public var klWeight: Double?

    public init() {}

    /// The keys that hold a value.
    public var given: Set<Key> {
        var keys = Set<Key>()
        if iterations != nil { keys.insert(.iterations) }
        if workload != nil { keys.insert(.workload) }
        if epochs != nil { keys.insert(.epochs) }
        if batchSize != nil { keys.insert(.batchSize) }
        if learningRate != nil { keys.insert(.learningRate) }
        if clip != nil { keys.insert(.clip) }
        if hidden != nil { keys.insert(.hidden) }
        if latent != nil { keys.insert(.latent) }
        if klWeight != nil { keys.insert(.klWeight) }
        return keys
    }

    /// The settings given, by the key a config spells, as a report prints them: numbers in
    /// full, a workload as its attribute sets of `columns` (names joined by ×). Two runs with
    /// equal descriptions run the method alike; the method's defaults fill every key absent.
    public func described(columns: [String]) -> [String: String] {
        var described: [String: String] = [:]
        let integers: [(Key, Int?)] = [
            (.iterations, iterations), (.epochs, epochs), (.batchSize, batchSize), (.hidden, hidden), (.latent, latent),
        ]
        for case (let key, let value?) in integers { described[key.rawValue] = String(value) }
        let reals: [(Key, Double?)] = [(.learningRate, learningRate), (.clip, clip), (.klWeight, klWeight)]
        for case (let key, let value?) in reals { described[key.rawValue] = "\(value)" }
        if let workload {
            described[Key.workload.rawValue] = workload.map { set in
                set.map { $0 < columns.count ? columns[$0] : "#\($0)" }.joined(separator: "×")
            }.joined(separator: ", ")
        }
        return described
    }

    /// The largest value each number may take: beyond it a run would overflow a step count,
    /// allocate a network larger than memory or draw infinite noise after its first charge, or
    /// (a batch's mean) leave the float bound of DP-SGD's sensitivity (Proofs/dp-sgd.md, step 2).
    public static let largest: [Key: Double] = [
        .iterations: 1_000_000, .epochs: 100_000, .batchSize: 1_000_000, .hidden: 4096, .latent: 1024,
        .learningRate: 1e6, .clip: 1e6, .klWeight: 1e6,
    ]

    /// The largest whole value of an integer setting, for a reader that names where it was written.
    public static func largestCount(_ key: Key) -> Int { Int(largest[key]!) }

    /// The range of a real setting, for a reader that names where it was written.
    public static func range(_ key: Key) -> ClosedRange<Double> { Double.leastNonzeroMagnitude...largest[key]! }

    /// Throws unless every number given is positive, finite and at most its `largest`.
    public func validate() throws {
        let integers: [(Key, Int?)] = [
            (.iterations, iterations), (.epochs, epochs), (.batchSize, batchSize), (.hidden, hidden), (.latent, latent),
        ]
        for case (let key, let value?) in integers where value <= 0 || Double(value) > Self.largest[key]! {
            throw GeneratorSettingsError(
                "\(key.rawValue) must be a positive integer up to \(Int(Self.largest[key]!)) (got \(value))")
        }
        let reals: [(Key, Double?)] = [(.learningRate, learningRate), (.clip, clip), (.klWeight, klWeight)]
        for case (let key, let value?) in reals where !(value.isFinite && value > 0 && value <= Self.largest[key]!) {
            throw GeneratorSettingsError(
                "\(key.rawValue) must be a positive finite number up to \(Self.largest[key]!) (got \(value))")
        }
        if let workload, workload.isEmpty || workload.contains(where: \.isEmpty) {
            throw GeneratorSettingsError("the workload must list at least one non-empty attribute set")
        }
    }
}

/// A setting a generator cannot use, or a value out of range.
public struct GeneratorSettingsError: UserFacingError, Equatable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
