import DPData
import DPRandomness
import Foundation

/// How useful the synthetic table is: marginal distances (per column, all pairs, all triples),
/// association differences, and train-on-synthetic-test-on-real classifiers beside their
/// train-on-real baselines.
///
/// Audit figures: computed on real data, not differentially private.
public struct UtilityEvaluation: Sendable, Codable, Equatable {
    public struct ColumnComparison: Sendable, Codable, Equatable {
        public let name: String
        public let totalVariation: Double
        /// Labels of the codes (from the schema) and the share of each in both tables.
        public let labels: [String]
        public let real: [Double]
        public let synthetic: [Double]
    }

    public let columns: [ColumnComparison]
    public let meanOneWayTVD: Double
    public let meanTwoWayTVD: Double
    public let meanThreeWayTVD: Double
    /// NIST SDNist-style k-marginal score for k = 3 over all column triples: 1000 (1 - mean TVD);
    /// 1000 means identical 3-way marginals.
    public let kMarginalScore: Double
    public let columnNames: [String]
    /// Cramér's V of every pair in both tables, and the largest absolute difference.
    public let associationReal: [[Double]]
    public let associationSynthetic: [[Double]]
    public let maxAssociationDifference: Double
    public let classifiers: [ClassifierUtility]
    /// Why no classifier was run for the target asked: the holdout (the audit's sample of it)
    /// holds one class, whose AUC is undefined (a finding on the real data, like the rest), or
    /// the synthetic table does, so nothing can be trained on it.
    public let classifiersNotRun: String?
    public let seconds: Double

    /// Evaluate `synthetic` against the real `train` rows; classifiers predict `target` (when
    /// given) and are tested on `holdout`, positive class `positive`.
    public static func evaluate(
        train: EncodedDataset, holdout: EncodedDataset, synthetic: EncodedDataset,
        target: Int?, positive: UInt16 = 1, source: RandomSource
    ) -> UtilityEvaluation {
        let started = Date()
        let comparisons = train.columns.indices.map { index -> ColumnComparison in
            let real = train.marginal([index])
            let fake = synthetic.marginal([index])
            let column = train.columns[index]
            let realTotal = Double(max(real.total, 1))
            let fakeTotal = Double(max(fake.total, 1))
            return ColumnComparison(
                name: column.name, totalVariation: MarginalFidelity.totalVariation(real, fake),
                labels: train.labels(of: index),
                real: real.values.map { $0 / realTotal }, synthetic: fake.values.map { $0 / fakeTotal })
        }
        let associationReal = AssociationFidelity.matrix(train)
        let associationSynthetic = AssociationFidelity.matrix(synthetic)
        let maxDifference = zip(associationReal.joined(), associationSynthetic.joined()).map { abs($0 - $1) }.max() ?? 0
        // A holdout of one class gives no AUC; a synthetic table of one class trains no classifier.
        let notRun = target.flatMap { target -> String? in
            let name = holdout.columns[target].name
            if !ClassifierUtility.holdsBothClasses(holdout, target: target, positive: positive) {
                return "the holdout's '\(name)' holds one class only, so the classifiers' AUC is undefined"
            }
            if !ClassifierUtility.holdsBothClasses(synthetic, target: target, positive: positive) {
                return "the synthetic table's '\(name)' holds one class only, so no classifier can be trained on it"
            }
            return nil
        }
        let assessable = target.map { _ in notRun == nil }
        let classifiers =
            (assessable == true ? target : nil).map { target in
                ClassifierUtility.Classifier.allCases.enumerated().map { offset, classifier in
                    ClassifierUtility.evaluate(
                        classifier, train: train, synthetic: synthetic, holdout: holdout, target: target,
                        positive: positive, source: source.split(stream: UInt64(offset)))
                }
            } ?? []
        let threeWay = MarginalFidelity.meanTotalVariation(train, synthetic, way: 3)
        return UtilityEvaluation(
            columns: comparisons,
            meanOneWayTVD: comparisons.map(\.totalVariation).reduce(0, +) / Double(max(1, comparisons.count)),
            meanTwoWayTVD: MarginalFidelity.meanTotalVariation(train, synthetic, way: 2),
            meanThreeWayTVD: threeWay, kMarginalScore: 1000 * (1 - threeWay),
            columnNames: train.columns.map(\.name), associationReal: associationReal,
            associationSynthetic: associationSynthetic,
            maxAssociationDifference: maxDifference, classifiers: classifiers,
            classifiersNotRun: notRun,
            seconds: Date().timeIntervalSince(started))
    }
}
