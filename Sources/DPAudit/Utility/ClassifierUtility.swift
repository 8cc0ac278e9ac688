import DPData
import DPRandomness

/// Train-on-synthetic, test-on-real: a classifier trained on the synthetic rows predicts a real
/// holdout's target; the same classifier trained on the real training rows is the baseline.
///
/// Audit figure: computed on real data, not differentially private.
public struct ClassifierUtility: Sendable, Codable, Equatable {
    public let classifier: String
    public let target: String
    public let positiveClass: String
    public let syntheticAccuracy: Double
    public let syntheticAUC: Double
    public let realAccuracy: Double
    public let realAUC: Double
    /// ROC of the synthetic-trained classifier on the holdout, thinned for plotting.
    public let roc: [ROCCurve.Point]

    public enum Classifier: String, Sendable, CaseIterable {
        case logisticRegression = "logistic regression"
        case gradientBoosting = "gradient-boosted trees"
    }

    /// Scores of the positive class for the holdout rows, from a classifier trained on `train`.
    static func scores(
        _ classifier: Classifier, train: EncodedDataset, test: EncodedDataset, target: Int,
        positive: UInt16, source: RandomSource
    ) -> [Double] {
        let features = train.columns.indices.filter { $0 != target }
        switch classifier {
        case .logisticRegression:
            let model = LogisticRegression.fit(train, target: target, features: features, source: source)
            let probabilities = model.predictProbabilities(test)
            return (0..<test.rowCount).map { probabilities[$0 * model.classes + Int(positive)] }
        case .gradientBoosting:
            let model = GradientBoostedTrees.fit(train, target: target, positive: positive, features: features)
            return model.predictLogOdds(test)
        }
    }

    /// Whether `holdout`'s target holds both classes: a classifier's AUC on it is defined only then.
    public static func holdsBothClasses(_ holdout: EncodedDataset, target: Int, positive: UInt16) -> Bool {
        let positives = holdout.codes[target].lazy.filter { $0 == positive }.count
        return positives > 0 && positives < holdout.rowCount
    }

    public static func evaluate(
        _ classifier: Classifier, train: EncodedDataset, synthetic: EncodedDataset,
        holdout: EncodedDataset, target: Int, positive: UInt16, source: RandomSource
    ) -> ClassifierUtility {
        let truth = holdout.codes[target].map { $0 == positive }
        func measure(_ scores: [Double], threshold: Double) -> (Double, Double, ROCCurve) {
            let correct = zip(scores, truth).filter { ($0 >= threshold) == $1 }.count
            let curve = ROCCurve(
                positives: zip(scores, truth).filter(\.1).map(\.0),
                negatives: zip(scores, truth).filter { !$1 }.map(\.0))
            return (Double(correct) / Double(max(1, truth.count)), curve.auc, curve)
        }
        let threshold = classifier == .logisticRegression ? 0.5 : 0
        let onSynthetic = measure(
            scores(classifier, train: synthetic, test: holdout, target: target, positive: positive, source: source),
            threshold: threshold)
        let onReal = measure(
            scores(classifier, train: train, test: holdout, target: target, positive: positive, source: source),
            threshold: threshold)
        let column = holdout.columns[target]
        return ClassifierUtility(
            classifier: classifier.rawValue, target: column.name, positiveClass: column.label(of: positive),
            syntheticAccuracy: onSynthetic.0, syntheticAUC: onSynthetic.1,
            realAccuracy: onReal.0, realAUC: onReal.1, roc: onSynthetic.2.thinned(to: 101))
    }
}
