import DPAccounting
import DPData
import DPRandomness
import DPSynthesis
import Foundation

/// Membership inference with shadow models (Stadler, Oprisanu, Troncoso 2022; TAPAS): for each
/// target, the generator is refitted at the release's settings on attacker-side datasets drawn
/// from the holdout, half of them with the target inserted; each synthetic output is reduced to
/// features about the target (near rows, closest distance, how often its values and pairs of
/// values occur), and a logistic classifier on those features guesses whether the target was in. The per-target AUC
/// is measured by 5-fold cross-validation over the shadows. Default targets are the training
/// rows least likely under the one-way marginals (the outliers, the ones most at risk).
public struct ShadowModelAttack: Sendable {
    /// How a shadow dataset becomes a synthetic table: the release's generator and settings.
    public struct Synthesis: Sendable {
        public let name: String
        public let synthesize: @Sendable (EncodedDataset, RandomSource) throws -> EncodedDataset

        public init(
            name: String, synthesize: @escaping @Sendable (EncodedDataset, RandomSource) throws -> EncodedDataset
        ) {
            self.name = name
            self.synthesize = synthesize
        }

        /// `generator` fitted at (epsilon, delta) to each shadow dataset, each fit against its own
        /// in-memory budget (shadow datasets hold no private rows beyond the holdout's, and their
        /// outputs only feed the confidential audit).
        public static func fitting(_ generator: any Generator, epsilon: Double, delta: Double) -> Synthesis {
            Synthesis(name: "\(type(of: generator).method) at epsilon \(epsilon)") { data, source in
                let odometer = try PrivacyOdometer(epsilon: epsilon, delta: delta)
                let model = try generator.checkedFit(
                    FitRequest(data: data, epsilon: epsilon, delta: delta, budget: odometer, source: source))
                return model.sample(rows: data.rowCount, source: source)
            }
        }
    }

    public var generator: Synthesis
    public var targets: Int
    public var shadows: Int
    /// Rows of each shadow dataset (besides the target), drawn from the holdout.
    public var shadowRows: Int

    /// The fewest shadows per target: the attack is scored by cross-validation over them, which
    /// needs one to train on and one to test.
    public static let minimumShadows = 2
    public static let minimumShadowsReason =
        "The attack is scored by cross-validation over the shadows, which needs at least two per target."

    /// The defaults that configs fall back to: 5 targets, 20 shadows each, 2,000 rows per shadow.
    public static let defaultTargets = 5, defaultShadows = 20, defaultShadowRows = 2000
    /// The most a config may ask: the attack fits the generator twice per target and shadow, so
    /// a run asking far more would keep running for days (in a release, after its charges).
    public static let largestTargets = 100, largestShadows = 1000, largestShadowRows = 1_000_000

    /// The targets, shadows per target and rows per shadow a config's mapping (`shadow_models`
    /// of a release config, a generator config) asks, within the limits above.
    public static func settings(from yaml: YAMLMapping) throws -> (targets: Int, shadows: Int, rows: Int) {
        let shadows = try yaml.count("shadows", limit: largestShadows) ?? defaultShadows
        guard shadows >= minimumShadows else {
            throw yaml.error(
                at: yaml["shadows"], "'shadows' must be at least \(minimumShadows)", hint: minimumShadowsReason)
        }
        return (
            try yaml.count("targets", limit: largestTargets) ?? defaultTargets, shadows,
            try yaml.count("rows", limit: largestShadowRows) ?? defaultShadowRows
        )
    }

    public init(
        generator: Synthesis, targets: Int = defaultTargets, shadows: Int = defaultShadows,
        shadowRows: Int = defaultShadowRows
    ) {
        self.generator = generator
        self.targets = targets
        self.shadows = shadows
        self.shadowRows = shadowRows
    }

    /// One target's outcome (which training row it was is not reported: that is itself private).
    public struct TargetOutcome: Sendable, Codable, Equatable {
        public let auc: Double
    }

    /// The outcome over all targets.
    public struct Outcome: Sendable, Codable, Equatable {
        public let targets: [TargetOutcome]
        public let meanAUC: Double
        public let maxAUC: Double
        public let shadows: Int
        public let method: String
        public let seconds: Double
    }

    /// The `count` training rows with the lowest log-likelihood under the training one-way marginals.
    public static func outliers(_ train: EncodedDataset, count: Int) -> [Int] {
        let logFrequencies = train.columns.indices.map { column -> [Double] in
            let table = train.marginal([column])
            return table.values.map { log(max($0, 0.5) / Double(train.rowCount)) }
        }
        let scores = (0..<train.rowCount).map { row in
            train.columns.indices.reduce(0.0) { $0 + logFrequencies[$1][Int(train.codes[$1][row])] }
        }
        return Array(scores.indices.sorted { (scores[$0], $0) < (scores[$1], $1) }.prefix(count))
    }

    /// Features of a synthetic table about `target` (a one-row table): how many synthetic rows
    /// lie within distance 0, 1 and 2 of it, its closest distance, and how often its single
    /// values and its pairs of values occur (mean, minimum, share of pairs that never occur).
    static func features(_ synthetic: EncodedDataset, target: EncodedDataset) -> [Double] {
        let distance = MixedTypeDistance(dataset: synthetic)
        let search = NearestNeighbours(reference: synthetic, distance: distance)
        let prepared = distance.columns.indices.map { distance.prepared(target, position: $0) }
        var within = [0.0, 0, 0]
        var closest = Float.infinity
        var distances = [Float](repeating: 0, count: NearestNeighbours.blockSize)
        for start in stride(from: 0, to: synthetic.rowCount, by: NearestNeighbours.blockSize) {
            let block = start..<min(synthetic.rowCount, start + NearestNeighbours.blockSize)
            search.blockDistances(prepared, query: 0, block: block, into: &distances)
            for offset in 0..<block.count {
                let d = distances[offset]
                closest = min(closest, d)
                for radius in 0..<3 where d <= Float(radius) + 1e-4 { within[radius] += 1 }
            }
        }
        let columns = synthetic.columns.count
        let matches = (0..<columns).map { column in
            let code = target.codes[column][0]
            return synthetic.codes[column].map { $0 == code }
        }
        let singles = matches.map { Double($0.filter { $0 }.count) }
        var pairs: [Double] = []
        for a in 0..<columns {
            for b in (a + 1)..<columns {
                var count = 0
                for row in 0..<synthetic.rowCount where matches[a][row] && matches[b][row] { count += 1 }
                pairs.append(Double(count))
            }
        }
        let meanLog = { (values: [Double]) in
            values.isEmpty ? 0 : values.map { log1p($0) }.reduce(0, +) / Double(values.count)
        }
        return within.map { log1p($0) } + [
            Double(closest), meanLog(singles), meanLog(pairs), log1p(pairs.min() ?? 0),
            Double(pairs.filter { $0 == 0 }.count) / Double(max(pairs.count, 1)),
        ]
    }

    public func run(
        train: EncodedDataset, holdout: EncodedDataset, source: RandomSource,
        progress: (String) -> Void = { _ in }
    ) throws -> Outcome {
        let started = Date()
        let rows = min(shadowRows, holdout.rowCount - 1)
        var outcomes: [TargetOutcome] = []
        for (number, targetRow) in Self.outliers(train, count: targets).enumerated() {
            let target = train.rows([targetRow])
            var featureRows: [[Double]] = []
            var labels: [Bool] = []
            for shadow in 0..<shadows {
                progress("shadow models: target \(number + 1) of \(targets), shadow \(shadow + 1) of \(shadows)")
                let member = shadow % 2 == 0
                let sample = source.sampleIndices(rows + 1, of: holdout.rowCount)
                var data = holdout.rows(Array(sample[..<rows]))
                data = EncodedDataset(
                    schema: data.schema,
                    codes: zip(data.codes, (member ? target : holdout.rows([sample[rows]])).codes).map { $0 + $1 })
                featureRows.append(Self.features(try generator.synthesize(data, source), target: target))
                labels.append(member)
            }
            outcomes.append(TargetOutcome(auc: Self.crossValidatedAUC(featureRows, labels)))
        }
        let aucs = outcomes.map(\.auc)
        return Outcome(
            targets: outcomes, meanAUC: aucs.reduce(0, +) / Double(max(aucs.count, 1)), maxAUC: aucs.max() ?? 0.5,
            shadows: shadows, method: generator.name, seconds: Date().timeIntervalSince(started))
    }

    /// AUC of 5-fold cross-validated logistic-regression scores.
    static func crossValidatedAUC(_ features: [[Double]], _ labels: [Bool]) -> Double {
        let folds = min(5, features.count)
        var scores = [Double](repeating: 0, count: features.count)
        for fold in 0..<folds {
            let test = features.indices.filter { $0 % folds == fold }
            let trainIndices = features.indices.filter { $0 % folds != fold }
            let model = DenseLogisticRegression.fit(trainIndices.map { features[$0] }, trainIndices.map { labels[$0] })
            for index in test { scores[index] = model.score(features[index]) }
        }
        let positives = scores.indices.filter { labels[$0] }.map { scores[$0] }
        let negatives = scores.indices.filter { !labels[$0] }.map { scores[$0] }
        guard !positives.isEmpty, !negatives.isEmpty else { return 0.5 }
        return ROCCurve(positives: positives, negatives: negatives).auc
    }
}
