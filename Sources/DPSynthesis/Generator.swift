import DPAccounting
import DPData
import DPRandomness
import Foundation

/// A synthetic-data method: fits a model to private rows under an (ε, δ) budget, then samples.
///
/// A new method is one conforming type plus one line in a `GeneratorRegistry`.
///
/// Privacy: `fit` charges `request.budget` before each noisy step and spends at most the
/// request's (ε, δ) in total; the fitted model, its samples and its file are post-processing.
public protocol Generator: Sendable {
    /// The name users give (`--method`, `method:` in a config) and the model file's kind tag.
    static var method: String { get }
    /// How the method spends its budget, for reports and for the budget check before a fit.
    static var family: GeneratorFamily { get }
    /// One sentence for reports: the algorithm and its mechanisms.
    static var summary: String { get }
    /// The settings this method reads; any other setting given to it is refused.
    static var acceptedSettings: Set<GeneratorSettings.Key> { get }

    /// The method configured by `settings` (already checked against `acceptedSettings`).
    init(settings: GeneratorSettings) throws

    /// Throws when a fit at (ε, δ) cannot be planned, whatever the data: checked before anything
    /// is charged (`checkBudget`). Methods that can plan for any (ε, δ) keep the default.
    static func checkReachable(epsilon: Double, delta: Double) throws

    /// Throws when a fit at (ε, δ) on a table of `columns` cannot be planned: what the public
    /// schema and the settings alone decide (a network too large, a workload too wide), checked
    /// before a budget is declared, reserved or charged (`SynthesisStage.checkPlannable`).
    /// Methods that can plan for every table keep the default.
    func checkPlannable(columns: [Column], epsilon: Double, delta: Double) throws

    /// Fits a model to `request.data`, charging `request.budget` for every noisy step.
    func fit(_ request: FitRequest) throws -> any FittedModel

    /// A model this method saved (`FittedModel.fileData()`), read from `path`.
    static func loadModel(from data: Data, path: String) throws -> any FittedModel
}

extension Generator {
    public static func checkReachable(epsilon: Double, delta: Double) throws {}
    public func checkPlannable(columns: [Column], epsilon: Double, delta: Double) throws {}
}

/// How a method spends a budget.
public enum GeneratorFamily: String, Sendable, Codable {
    /// Noisy marginals and exponential-mechanism selections, accounted in zCDP.
    case marginal
    /// DP-SGD training, accounted by RDP or PLD of the subsampled Gaussian.
    case neural

    /// The cost a fit at (ε, δ) charges in total, in the unit the ledger composes.
    public func plannedCost(epsilon: Double, delta: Double) -> PrivacyCost {
        switch self {
        case .marginal: return .zCDP(rho: ZCDP.rho(epsilon: epsilon, delta: delta))
        case .neural: return .approximate(epsilon: epsilon, delta: delta)
        }
    }

    /// How the ledger's charges of such a fit compose, for reports.
    public var accountant: String {
        switch self {
        case .marginal:
            return "zero-concentrated DP, converted to (epsilon, delta) by Canonne-Kamath-Steinke 2020"
        case .neural:
            return "RDP of the Poisson-subsampled Gaussian (DP-SGD), composed with the other charges by the ledger"
        }
    }
}

/// What a fit is given.
public struct FitRequest {
    /// The largest ε a fit accepts: far beyond any meaningful guarantee, and where the
    /// conversions between ε, δ and ρ still keep their precision.
    public static let largestEpsilon = 10_000.0
    /// The most synthetic rows one run draws: they are held in memory before they are written.
    public static let largestRowCount = 100_000_000

    /// The private table: marginal methods read only its marginals, neural methods its rows.
    public let data: any PrivateTable
    public let epsilon: Double
    public let delta: Double
    public let budget: any PrivacyBudget
    public let source: RandomSource
    /// Receives one line per step; it must carry only DP quantities (the step, the budget spent).
    public let progress: (String) -> Void

    public init(
        data: any PrivateTable, epsilon: Double, delta: Double, budget: any PrivacyBudget, source: RandomSource,
        progress: @escaping (String) -> Void = { _ in }
    ) {
        self.data = data
        self.epsilon = epsilon
        self.delta = delta
        self.budget = budget
        self.source = source
        self.progress = progress
    }
}

/// A fitted generator: drawing rows, saving and loading are post-processing and cost nothing.
public protocol FittedModel: Sendable {
    /// The `Generator.method` that fitted it.
    var method: String { get }
    var schema: Schema { get }
    /// What the fit charged and whether its randomness was seeded.
    var privacy: ModelPrivacy { get }
    /// Cells over all cliques, or trainable parameters, for summaries.
    var size: ModelSize { get }
    /// The private table's row count as the model estimates it from its noisy measurements
    /// (differentially private, so it may set the default number of synthetic rows), or nil when
    /// the method measures no count.
    var noisyRowCount: Int? { get }

    /// `rows` synthetic rows in the schema's codes.
    func sample(rows: Int, source: RandomSource) -> EncodedDataset

    /// What draws rows from the model part after part: whatever every draw needs, computed once
    /// (a marginal model's clique marginals), holding no more than the model does, so that a
    /// caller drawing many parts may let the model itself go.
    func sampler() -> any RowSampler

    /// The model file: `ModelFile.encode` of the method's own model description.
    func fileData() throws -> Data
}

/// Draws rows from a fitted model (`FittedModel.sampler`): post-processing, it costs nothing.
public protocol RowSampler: Sendable {
    /// `rows` synthetic rows in the schema's codes, as `FittedModel.sample` draws them.
    func sample(rows: Int, source: RandomSource) -> EncodedDataset
}

extension FittedModel {
    /// A model that computes nothing ahead draws each part itself.
    public func sampler() -> any RowSampler { ModelDraws(model: self) }
}

/// The rows of a model that has nothing to compute ahead of its draws.
struct ModelDraws: RowSampler {
    let model: any FittedModel

    func sample(rows: Int, source: RandomSource) -> EncodedDataset { model.sample(rows: rows, source: source) }
}

/// How big a fitted model is.
public enum ModelSize: Sendable, Equatable {
    case cells(Int)
    case parameters(Int)

    public var count: Int {
        switch self {
        case .cells(let count), .parameters(let count): return count
        }
    }

    public var unit: String {
        switch self {
        case .cells: return "cells"
        case .parameters: return "parameters"
        }
    }
}

/// What a fit spent, as its model file records it.
public struct ModelPrivacy: Sendable, Equatable {
    /// ρ spent, for zCDP-accounted methods (0 otherwise).
    public let rho: Double
    public let seeded: Bool
    /// One line per charge: mechanism and cost.
    public let charges: [String]
    /// What the fit did otherwise than its settings asked (DP-SGD trained fewer epochs, say), for
    /// the user and the report; each reads only what the fit released, never the data.
    public let notes: [String]

    public init(rho: Double, seeded: Bool, charges: [String], notes: [String] = []) {
        self.rho = rho
        self.seeded = seeded
        self.charges = charges
        self.notes = notes
    }
}
