import DPData
import DPRandomness
import Foundation

/// AIM (McKenna, Mullins, Sheldon, Miklau 2022): adaptive, workload-aware selection of marginals.
/// After the one-way marginals, each round picks the candidate marginal (from the workload's
/// downward closure) that the current model answers worst, by the exponential mechanism on
/// w_r·(‖M_r(D) - M_r(model)‖₁ - sqrt(2/π)·σ·n_r), measures it, and refits the model; when a
/// measurement barely moves the model the noise halves and the selection budget doubles
/// (annealing). Candidates whose addition would push the model past its size cap (scaled by the
/// budget used so far) are skipped.
///
/// Privacy: (ε, δ)-DP through ρ-zCDP; each round costs ε_t²/8 + 1/(2σ_t²) and is charged before
/// it draws; the last round spends exactly what is left (Proofs/marginal-generators.md).
public struct AIM: Sendable {
    public static let proofDocument = "Proofs/marginal-generators.md"
    /// Shares of each round's ρ spent on the measurement and on the selection (AIM, McKenna et al.
    /// 2022, Algorithm 2: α = 0.9).
    static let measurementShare = 0.9
    static let selectionShare = 0.1
    /// The model-size cap, in megabytes of 8-byte cells, that the paper uses (AIM, Section 4:
    /// MAX-SIZE = 80 MB).
    public static let defaultMaxModelSizeMB = 80.0

    /// The attribute sets the synthetic data should answer well (default: all 3-way sets).
    public var workload: [[Int]]?
    /// The model-size cap in megabytes of 8-byte cells.
    public var maxModelSizeMB: Double
    /// Rounds planned at the start (default 16 × number of columns).
    public var rounds: Int?
    /// Mirror-descent iterations of each round's estimate.
    public var iterationsPerRound: Int
    /// The final estimate's length in mirror-descent iterations (the paper's 1000 by default),
    /// which `AcceleratedMirrorDescent` covers in fewer steps.
    public var finalIterations: Int

    public init(
        workload: [[Int]]? = nil, maxModelSizeMB: Double = defaultMaxModelSizeMB, rounds: Int? = nil,
        iterationsPerRound: Int = 100, finalIterations: Int = 1000
    ) {
        self.workload = workload
        self.maxModelSizeMB = maxModelSizeMB
        self.rounds = rounds
        self.iterationsPerRound = iterationsPerRound
        self.finalIterations = finalIterations
    }

    /// The most 3-way sets the default workload holds: every one for tables of up to 24 columns
    /// (2,024 sets), a sample beyond.
    public static let defaultTripleLimit = 2_024

    /// The default workload, from the public schema alone (never the data): every 3-way set when
    /// there are at most `defaultTripleLimit`; otherwise every 2-way set plus
    /// `defaultTripleLimit` 3-way sets drawn uniformly without replacement by a generator seeded
    /// with a hash of the column names, so one schema always gets one workload. Tables of one
    /// or two columns get their single largest set.
    public static func defaultWorkload(columns: [Column]) -> [[Int]] {
        let d = columns.count
        guard d >= 3 else { return [Array(0..<d)] }
        let triples = d * (d - 1) * (d - 2) / 6
        var all: [[Int]] = [[]]
        guard triples > defaultTripleLimit else {
            for _ in 0..<3 { all = all.flatMap { set in ((set.last ?? -1) + 1..<d).map { set + [$0] } } }
            return all
        }
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in columns.map(\.name).joined(separator: "\u{0}").utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3
        }
        let source = RandomSource.seeded(hash)
        var chosen = Set<[Int]>()
        while chosen.count < defaultTripleLimit {
            var triple = Set<Int>()
            while triple.count < 3 { triple.insert(Int(source.uniform(below: UInt64(d)))) }
            chosen.insert(triple.sorted())
        }
        let pairs = (0..<d).flatMap { first in (first + 1..<d).map { [first, $0] } }
        return pairs + chosen.sorted { $0.lexicographicallyPrecedes($1) }
    }

    /// The default workload in one line, for the run's progress and summary.
    static func describeDefaultWorkload(columns d: Int) -> String {
        let triples = d >= 3 ? d * (d - 1) * (d - 2) / 6 : 0
        return triples > defaultTripleLimit
            ? "workload: all \(d * (d - 1) / 2) 2-way sets and \(defaultTripleLimit) of the \(triples) 3-way sets "
                + "(sampled by a rule on the public schema)"
            : "workload: all \(max(triples, 1)) \(min(3, d))-way sets"
    }

    /// Every nonempty subset of the workload's sets that `keep` admits, weighted by Σ_w |r ∩ w|,
    /// which is Σ_{a ∈ r} (the workload's sets holding a); nil as soon as more than `limit` are
    /// admitted, so that a workload of too many is refused without building them all.
    static func candidates(
        workload: [[Int]], limit: Int = .max, keep: ([Int]) -> Bool = { _ in true }
    ) -> [(attributes: [Int], weight: Double)]? {
        var closure = Set<[Int]>()
        var holding = [Int: Int]()
        for set in workload {
            let sorted = Array(Set(set)).sorted()
            for attribute in sorted { holding[attribute, default: 0] += 1 }
            for mask in 1..<(1 << sorted.count) {
                let subset = sorted.indices.filter { mask & (1 << $0) != 0 }.map { sorted[$0] }
                guard keep(subset) else { continue }
                closure.insert(subset)
                if closure.count > limit { return nil }
            }
        }
        return closure.sorted { $0.count != $1.count ? $0.count < $1.count : $0.lexicographicallyPrecedes($1) }.map {
            candidate in
            (candidate, Double(candidate.reduce(0) { $0 + holding[$1]! }))
        }
    }

    /// The widest workload set, the most candidates, and the most cells all may have together:
    /// every candidate's exact counts are held from the start, so a workload beyond these would
    /// exhaust memory or time while the run charges its rounds.
    public static let candidateLimits = (setWidth: 16, count: 2_000_000, totalCells: MarginalFit.heldCells)

    /// `candidates(workload:)` without those no round could pick (a candidate whose own cells,
    /// 8 bytes each, exceed `sizeLimitMB`: `admitted` never lets it in), refused before anything
    /// is counted or charged when what is left is beyond `candidateLimits`. It reads the public
    /// schema and settings alone.
    static func checkedCandidates(
        workload: [[Int]], domain: [Int], sizeLimitMB: Double,
        limits: (setWidth: Int, count: Int, totalCells: Int) = candidateLimits
    ) throws -> [(attributes: [Int], weight: Double)] {
        if let widest = workload.map({ Set($0).count }).max(), widest > limits.setWidth {
            throw GeneratorError.workload(
                "AIM's workload holds a set of \(widest) columns; AIM counts every subset of each set: use sets of "
                    + "at most \(limits.setWidth) columns (3 is usual)")
        }
        let cells = { (attributes: [Int]) in attributes.reduce(1.0) { $0 * Double(domain[$1]) } }
        func tooMany(_ needed: String) -> GeneratorError {
            GeneratorError.workload(
                "AIM's workload needs \(needed); AIM counts at most \(limits.count) candidate marginals of at most "
                    + "\(limits.totalCells) cells in all: use fewer or smaller sets, or bin the widest columns more "
                    + "coarsely")
        }
        guard
            let candidates = Self.candidates(
                workload: workload, limit: limits.count,
                keep: { $0.count == 1 || cells($0) * 8 / 1_048_576 <= sizeLimitMB })
        else { throw tooMany("more than \(limits.count) candidate marginals") }
        let total = candidates.reduce(0.0) { $0 + cells($1.attributes) }
        guard total <= Double(limits.totalCells) else {
            throw tooMany(
                "\(candidates.count) candidate marginals of " + String(format: "%.3g", total) + " cells in all")
        }
        return candidates
    }

    public func fit(session: MeasurementSession, progress: (String) -> Void = { _ in }) throws -> SynthesisModel {
        let data = session.data
        let d = data.columns.count
        let domain = data.domain
        let workload = self.workload ?? Self.defaultWorkload(columns: data.columns)
        if self.workload == nil { progress(Self.describeDefaultWorkload(columns: d)) }
        let candidates = try Self.checkedCandidates(workload: workload, domain: domain, sizeLimitMB: maxModelSizeMB)
        var answers = try data.marginals(candidates.map(\.attributes))
        let answerTotals = answers.map(\.total)
        // Nothing reads a count after the last measurement: the last estimates, of the largest
        // model, run without them.
        func letCountsGo() {
            answers = []
            data.forgetCounts()
        }
        progress("counted \(candidates.count) candidate marginals")
        let rho = session.rhoRemaining
        let plannedRounds = Double(rounds ?? 16 * d)
        var sigma = (plannedRounds / (2 * Self.measurementShare * rho)).squareRoot()
        var epsilon = (8 * Self.selectionShare * rho / plannedRounds).squareRoot()
        var used = Double(d) / (2 * sigma * sigma)
        var measurements = try session.measure((0..<d).map { [$0] }, rho: used)
        let fitter = MirrorDescentEstimator(iterations: iterationsPerRound)
        var model = fitter.estimate(domain: domain, measurements: measurements)
        var round = 0
        var finished = false
        // Each candidate's model size, kept while the model's cliques stay the same.
        var sized: (cliques: [[Int]], sizes: [Int]) = ([], [])
        var sparseCounter: SparseCounter?
        while !finished {
            round += 1
            if rho - used < 2 * (1 / (2 * sigma * sigma) + epsilon * epsilon / 8) {
                let remaining = rho - used
                guard remaining > 0 else { break }
                sigma = (1 / (2 * Self.measurementShare * remaining)).squareRoot()
                epsilon = (8 * Self.selectionShare * remaining).squareRoot()
                finished = true
            }
            used += epsilon * epsilon / 8 + 1 / (2 * sigma * sigma)
            let sizeLimit = maxModelSizeMB * min(1, used / rho)
            // The round's model sample lives in this block only, so that the estimate after the
            // measurement does not hold it too. While the candidates are scored the model is its
            // calibrated marginals alone: the potentials go, and are read back off the marginals
            // for the estimate's warm start.
            let chosen: [Int]
            let before: [Double]
            do {
                let step = model.stepSize
                let calibrated = (consume model).calibrated()
                let cliques = calibrated.tree.cliques
                if sized.cliques != cliques {
                    sized = (
                        cliques, Self.modelSizes(adding: candidates.map(\.attributes), to: cliques, domain: domain)
                    )
                }
                let pool = Self.admitted(sizes: sized.sizes, sizeLimitMB: sizeLimit)
                var scores = [Double](repeating: 0, count: pool.count)
                var estimator = EstimatedMarginals(
                    model: calibrated, source: session.source, noise: sigma, sparseCounter: sparseCounter)
                estimator.visit(pool.map { candidates[$0].attributes }) { position, estimate in
                    let answer = answers[pool[position]]
                    let error = estimate.distance(from: answer, answerTotal: answerTotals[pool[position]])
                    let bias = (2 / Double.pi).squareRoot() * sigma * Double(estimate.cellCount)
                    scores[position] =
                        candidates[pool[position]].weight
                        * (min(error, ScoreSum.largestScoreTerm) - min(bias, ScoreSum.largestScoreTerm))
                }
                let sensitivity = pool.map { candidates[$0].weight }.max() ?? 1
                let picked = try session.select(
                    scores: scores, epsilon: epsilon, sensitivity: sensitivity, label: "round \(round)")
                chosen = candidates[pool[picked]].attributes
                before = estimator.estimate(chosen)
                sparseCounter = estimator.sparseCounter
                _ = consume estimator
                model = (consume calibrated).model(stepSize: step)
            }
            measurements += try session.measure([chosen], rho: 1 / (2 * sigma * sigma))
            if finished { letCountsGo() }
            // The fit starts where one scaling step puts the new measurement: mirror descent alone
            // moves a cell in proportion to its mass, and leaves most of a new set's
            // disagreement with the model in place for many steps.
            let fitted = model.anyMarginal(chosen, cliqueMarginals: model.cliqueMarginals())
            model = fitter.estimate(
                domain: domain, measurements: measurements, warmStart: consume model,
                adjustments: [Self.scalingStep(toward: measurements[measurements.count - 1], from: fitted)])
            let after = model.anyMarginal(chosen, cliqueMarginals: model.cliqueMarginals()).values
            if zip(after, before).reduce(0.0, { $0 + abs($1.0 - $1.1) }) <= sigma * (2 / Double.pi).squareRoot()
                * Double(before.count)
            {
                sigma /= 2
                epsilon *= 2
            }
            progress(
                String(
                    format: "round %d, measured %@, rho spent %.4g of %.4g, model %d cells", round,
                    chosen.map(String.init).joined(separator: "x"), session.rhoSpent, rho, model.tree.cellCount))
        }
        letCountsGo()
        progress("final estimate, model \(model.tree.cellCount) cells")
        model = AcceleratedMirrorDescent(iterations: finalIterations).estimate(
            domain: domain, measurements: measurements, warmStart: consume model)
        return SynthesisModel(method: "aim", session: session, compression: nil, model: model)
    }
}

extension AIM {
    /// One step of iterative proportional fitting toward a new measurement: the factor that takes
    /// the model's marginal `fitted` of the measured set to the measurement, cell by cell, both
    /// floored at two noise deviations (a cell neither can tell from empty is left as it is).
    static func scalingStep(toward measured: NoisyMarginal, from fitted: Factor) -> Factor {
        let floor = TreeStart.noiseFloor * measured.sigma
        return Factor(
            attributes: fitted.attributes, shape: fitted.shape,
            values: zip(measured.values, fitted.values).map { log(max($0, floor) / max($1, floor)) })
    }
}
