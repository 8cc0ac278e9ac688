import DPAccounting
import DPData
import DPSynthesis
import Foundation

/// What AIM, MST and independent marginals share: (ε, δ) becomes a ρ budget by CKS20, and a
/// measurement session spends it through a slice of the caller's budget.
///
/// Privacy: the session charges every step before it draws and never exceeds ρ, so the fit is
/// ρ-zCDP, hence (ε, δ)-DP (Proofs/marginal-generators.md).
enum MarginalFit {
    static let proofDocument = "Proofs/marginal-generators.md"

    /// The session that spends the request's (ε, δ) as ρ-zCDP.
    static func session(_ request: FitRequest, method: String) -> MeasurementSession {
        MeasurementSession(
            data: request.data, budget: request.budget, rho: ZCDP.rho(epsilon: request.epsilon, delta: request.delta),
            method: method, source: request.source)
    }

    /// Mirror-descent iterations of the final estimate when a run names none.
    static let defaultIterations = 1000

    /// The most cells the exact marginals a fit counts at once may have in all (AIM's candidates,
    /// MST's pairs): beyond it the counts would exhaust memory after the first charge.
    static let heldCells = 1 << 30
}

/// AIM (McKenna et al. 2022) as a registered generator.
public struct AIMGenerator: Generator {
    public static let method = "aim"
    public static let family = GeneratorFamily.marginal
    public static let summary =
        "AIM (McKenna et al. 2022): adaptive marginal selection by the exponential mechanism, discrete Gaussian "
        + "measurements, Private-PGM estimation"
    public static let acceptedSettings: Set<GeneratorSettings.Key> = [.iterations, .workload]

    public let aim: AIM

    public init(settings: GeneratorSettings) throws {
        aim = AIM(workload: settings.workload, finalIterations: settings.iterations ?? MarginalFit.defaultIterations)
    }

    /// The workload's candidates within AIM's limits (`AIM.checkedCandidates`).
    public func checkPlannable(columns: [Column], epsilon: Double, delta: Double) throws {
        _ = try AIM.checkedCandidates(
            workload: aim.workload ?? AIM.defaultWorkload(columns: columns), domain: columns.map(\.domainSize),
            sizeLimitMB: aim.maxModelSizeMB)
    }

    public func fit(_ request: FitRequest) throws -> any FittedModel {
        try aim.fit(session: MarginalFit.session(request, method: Self.method), progress: request.progress)
    }

    public static func loadModel(from data: Data, path: String) throws -> any FittedModel {
        try SynthesisModel.load(from: data, path: path)
    }
}

/// MST (McKenna et al. 2021) as a registered generator.
public struct MSTGenerator: Generator {
    public static let method = "mst"
    public static let family = GeneratorFamily.marginal
    public static let summary =
        "MST (McKenna et al. 2021): spanning-tree marginals by the exponential mechanism, discrete Gaussian "
        + "measurements, Private-PGM estimation"
    public static let acceptedSettings: Set<GeneratorSettings.Key> = [.iterations]

    public let mst: MST

    public init(settings: GeneratorSettings) throws {
        mst = MST(iterations: settings.iterations ?? MarginalFit.defaultIterations)
    }

    /// MST counts every pair of columns once their one-way marginals are charged: their cells,
    /// at the schema's domain sizes, must be within `MarginalFit.heldCells` (which also keeps the
    /// one-way marginals far within `MST.maxModelCells`).
    public func checkPlannable(columns: [Column], epsilon: Double, delta: Double) throws {
        let domain = columns.map { Double($0.domainSize) }
        var cells = 0.0
        for a in domain.indices { for b in domain.indices where b > a { cells += domain[a] * domain[b] } }
        guard cells <= Double(MarginalFit.heldCells) else {
            throw GeneratorError.workload(
                "MST counts every pair of columns, " + String(format: "%.3g", cells) + " cells in all here; it "
                    + "counts at most \(MarginalFit.heldCells): bin the widest columns more coarsely")
        }
    }

    public func fit(_ request: FitRequest) throws -> any FittedModel {
        try mst.fit(session: MarginalFit.session(request, method: Self.method), progress: request.progress)
    }

    public static func loadModel(from data: Data, path: String) throws -> any FittedModel {
        try SynthesisModel.load(from: data, path: path)
    }
}

/// Independent one-way marginals as a registered generator.
public struct IndependentGenerator: Generator {
    public static let method = "independent"
    public static let family = GeneratorFamily.marginal
    public static let summary = "independent one-way marginals with discrete Gaussian noise"
    public static let acceptedSettings: Set<GeneratorSettings.Key> = []

    public init(settings: GeneratorSettings) throws {}

    public func fit(_ request: FitRequest) throws -> any FittedModel {
        try IndependentMarginals().fit(
            session: MarginalFit.session(request, method: Self.method), progress: request.progress)
    }

    public static func loadModel(from data: Data, path: String) throws -> any FittedModel {
        try SynthesisModel.load(from: data, path: path)
    }
}
