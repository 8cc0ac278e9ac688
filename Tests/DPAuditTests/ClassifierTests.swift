import DPData
import DPRandomness
import Testing

@testable import DPAudit

@Suite struct ClassifierTests {
    /// label = 1 when a + b >= 6 (b categorical), flipped for 5% of rows; c is noise.
    static func labelled(rows: Int, seed: UInt64) -> EncodedDataset {
        let schema = Schema(
            name: "toy",
            columns: [
                Column(name: "a", kind: .integer(lower: 0, upper: 5, binning: .equalWidth(count: 6)), missing: .error),
                Column(name: "b", kind: .categorical(["0", "1", "2", "3", "4", "5"]), missing: .error),
                Column(name: "c", kind: .coded(levels: 4), missing: .error),
                Column(name: "label", kind: .categorical(["no", "yes"]), missing: .error),
            ])
        let source = RandomSource.seeded(seed)
        var codes: [[UInt16]] = [[], [], [], []]
        for _ in 0..<rows {
            let a = Int(source.uniform(below: 6))
            let b = Int(source.uniform(below: 6))
            let flip = source.uniform(below: 20) == 0
            codes[0].append(UInt16(a))
            codes[1].append(UInt16(b))
            codes[2].append(UInt16(source.uniform(below: 4)))
            codes[3].append(((a + b >= 6) != flip) ? 1 : 0)
        }
        return EncodedDataset(schema: schema, codes: codes)
    }

    @Test(arguments: ClassifierUtility.Classifier.allCases)
    func classifiersLearnASimpleRule(classifier: ClassifierUtility.Classifier) {
        let train = Self.labelled(rows: 4000, seed: 1)
        let test = Self.labelled(rows: 2000, seed: 2)
        let result = ClassifierUtility.evaluate(
            classifier, train: train, synthetic: train, holdout: test, target: 3, positive: 1, source: .seeded(3))
        // 5% label noise: the best accuracy is 0.95.
        #expect(result.syntheticAccuracy > 0.9 && result.syntheticAUC > 0.9)
        #expect(abs(result.realAUC - result.syntheticAUC) < 0.01)
        #expect(result.positiveClass == "yes")
    }

    @Test func marginalDistancesAreZeroOnItselfAndOneOnDisjointSupport() {
        let data = Self.labelled(rows: 5000, seed: 4)
        #expect(MarginalFidelity.meanTotalVariation(data, data, way: 3) == 0)
        let shifted = EncodedDataset(
            schema: data.schema, codes: [data.codes[0].map { _ in 0 }, data.codes[1], data.codes[2], data.codes[3]])
        let onlyFives = EncodedDataset(
            schema: data.schema, codes: [data.codes[0].map { _ in 5 }, data.codes[1], data.codes[2], data.codes[3]])
        #expect(MarginalFidelity.totalVariation(shifted, onlyFives, over: [0]) == 1)
        #expect(
            data.columnSets(size: 3) == [[0, 1, 2], [0, 1, 3], [0, 2, 3], [1, 2, 3]] && data.columnSets(size: 5).isEmpty
        )
        let v = AssociationFidelity.matrix(data)
        #expect(v[0][0] == 1 && v[0][3] > 0.3 && v[2][3] < 0.1)
    }
}

extension ClassifierTests {
    /// The labelled rows, and a copy whose target column holds only `code`.
    static func rowsAndOneClassCopy(code: UInt16) -> (rows: EncodedDataset, oneClass: EncodedDataset, label: Int) {
        let rows = labelled(rows: 200, seed: 3)
        var codes = rows.codes
        codes[3] = codes[3].map { _ in code }
        return (rows, EncodedDataset(schema: rows.schema, codes: codes), 3)
    }

    /// A holdout whose target holds one class has no AUC: the evaluation runs no classifier and
    /// says why, instead of trapping (a release's audit sample that lost the rare class stopped
    /// the process after the gate's charge).
    @Test func aOneClassHoldoutRunsNoClassifier() {
        let (train, holdout, label) = Self.rowsAndOneClassCopy(code: 0)
        let result = UtilityEvaluation.evaluate(
            train: train, holdout: holdout, synthetic: train, target: label, positive: 1, source: .seeded(4))
        #expect(result.classifiers.isEmpty && result.classifiersNotRun?.contains("one class only") == true)
        let both = UtilityEvaluation.evaluate(
            train: train, holdout: train, synthetic: train, target: label, positive: 1, source: .seeded(4))
        #expect(both.classifiers.count == ClassifierUtility.Classifier.allCases.count && both.classifiersNotRun == nil)
    }

    /// A synthetic table whose target holds one class trains no classifier: an AUC of a model
    /// fitted to one class is a figure with no meaning, not the synthetic table's utility.
    @Test func aOneClassSyntheticTableRunsNoClassifier() {
        let (train, synthetic, label) = Self.rowsAndOneClassCopy(code: 1)
        let result = UtilityEvaluation.evaluate(
            train: train, holdout: train, synthetic: synthetic, target: label, positive: 1, source: .seeded(4))
        #expect(result.classifiers.isEmpty)
        #expect(
            result.classifiersNotRun?.contains("the synthetic table's") == true, "\(result.classifiersNotRun ?? "")")
    }
}
