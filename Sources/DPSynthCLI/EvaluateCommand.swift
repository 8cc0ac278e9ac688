import ArgumentParser
import DPAudit
import DPData
import DPRandomness
import DPReport
import Foundation

/// `dpsynth evaluate`: how useful a synthetic table is, measured against the real one.
struct EvaluateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract:
            "Measure a synthetic table's utility: 1-, 2- and 3-way marginal distances, the k-marginal score and "
            + "train-on-synthetic-test-on-real classifiers.",
        discussion:
            "Classifiers are trained on the synthetic rows (and, for comparison, on the training rows) and tested on "
            + "the holdout. The figures are computed on real data and are not differentially private: share them "
            + "only with those allowed to see the real data."
    )

    @OptionGroup var tables: ComparedTables
    @Option(help: "The column the classifiers predict (omit to skip them).") var target: String?
    @Option(help: "The target's positive value (default: its second code).") var positive: String?
    @Option(help: "Where to write the evaluation JSON (atomically).") var out: String?
    @Option(parsing: .unconditional, help: "Seed for a reproducible test run.") var seed: UInt64?
    @Flag(help: "Print the summary as JSON.") var json = false

    func validate() throws {
        if positive != nil && target == nil {
            throw ValidationError("--positive needs --target (the column it is a value of)")
        }
    }

    func run() throws {
        try CommandFailure.reportingLibraryErrors {
            try OutputPaths.refuseOverlap(outputs: [("--out", out)], inputs: tables.inputs)
            try OutputPaths.refuseUnwritable([("--out", out)])
            let schema = try tables.parsedSchema()
            let targetColumn = try target.map { try tables.column($0, option: "--target", in: schema) }
            let positiveCode = try targetColumn.map { try tables.positiveCode(positive, of: $0, in: schema) } ?? 1
            let (trainRows, holdoutRows, syntheticRows) = try tables.load(
                schema: schema, minimumRows: 1, purpose: "an evaluation")
            let source = seed.map(RandomSource.seeded) ?? .secure()
            if source.isSeeded { Output.note("dpsynth: \(source.label)") }
            let result = UtilityEvaluation.evaluate(
                train: trainRows, holdout: holdoutRows, synthetic: syntheticRows,
                target: targetColumn, positive: positiveCode, source: source)
            if let out { try AtomicFile.write(try CanonicalJSON.encode(result, notice: RealDataNotice.text), to: out) }
            if json {
                var summary: [String: Any] = [
                    "one_way_tvd": result.meanOneWayTVD, "two_way_tvd": result.meanTwoWayTVD,
                    "three_way_tvd": result.meanThreeWayTVD, "k_marginal_score": result.kMarginalScore,
                    "seeded": source.isSeeded, "notice": RealDataNotice.text,
                ]
                for classifier in result.classifiers {
                    let key = classifier.classifier.replacingOccurrences(of: " ", with: "_").replacingOccurrences(
                        of: "-", with: "_")
                    summary["tstr_auc_" + key] = classifier.syntheticAUC
                    summary["real_auc_" + key] = classifier.realAUC
                }
                if let reason = result.classifiersNotRun { summary["classifiers_not_run"] = reason }
                try Output.json(summary)
            } else {
                print("evaluation (\(RealDataNotice.text))")
                print(
                    String(
                        format: "  mean TVD: 1-way %.4f, 2-way %.4f, 3-way %.4f; k-marginal score %.0f of 1000",
                        result.meanOneWayTVD, result.meanTwoWayTVD, result.meanThreeWayTVD, result.kMarginalScore))
                for classifier in result.classifiers {
                    print(
                        String(
                            format:
                                "  %@ predicting %@ = %@: TSTR AUC %.4f, accuracy %.4f (trained on "
                                + "real: AUC %.4f, accuracy %.4f)",
                            classifier.classifier, classifier.target, classifier.positiveClass, classifier.syntheticAUC,
                            classifier.syntheticAccuracy, classifier.realAUC, classifier.realAccuracy))
                }
                if let reason = result.classifiersNotRun { print("  classifiers not run: \(reason)") }
                if let out { print("written to \(out)") }
            }
        }
    }
}
