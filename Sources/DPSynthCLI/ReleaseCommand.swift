import ArgumentParser
import DPAudit
import DPRelease
import DPReport
import Foundation

/// `dpsynth release`: the whole pipeline from a YAML config, ending in a signed report and a gate.
struct ReleaseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "release",
        abstract: "Synthesize, evaluate, attack, report and gate a release described by a YAML config.",
        discussion: "Exit status 0 when the data is released, 3 when it is quarantined. See Examples/release.yaml.")

    @Option(help: "The release config (YAML).") var config: String

    func run() throws {
        let started = Date()
        try CommandFailure.reportingLibraryErrors {
            let pipeline = try ReleasePipeline(configPath: config)
            if pipeline.config.seed != nil {
                Output.note("dpsynth: SEEDED run: for testing only, not a private release")
            }
            for warning in pipeline.config.warnings { Output.note("dpsynth: warning: " + warning) }
            let outcome = try pipeline.run { Output.progress("release: \($0)") }
            StandardOutput.summarisesWrittenFiles = true
            Output.progress(nil)
            let report = outcome.report
            print(
                "release: \(report.decision.outcome.rawValue.uppercased()) in "
                    + "\(String(format: "%.1f", Date().timeIntervalSince(started))) s (\(RealDataNotice.timing))"
            )
            if outcome.reusedModel {
                print("reused the model an earlier run of this config fitted: only the new gate evaluation was charged")
            }
            if let gate = report.gate {
                print(
                    String(
                        format: "gate (DP, epsilon %g per evaluation, evaluation %d of this model): %@",
                        gate.epsilon, gate.evaluations, gate.passed ? "passed" : "failed"))
                for check in gate.checks {
                    print(
                        String(
                            format: "  %@: noisy training rate %.4f, holdout rate %.4f, advantage %.4f (max %.4f)",
                            Output.oneLine(check.name), check.noisyTrainRate, check.noisyHoldoutRate, check.advantage,
                            gate.maxAdvantage))
                }
                if let holdout = gate.holdout { print("  " + holdout.summary) }
            }
            let charged = String(format: "(%g, %g)", report.privacy.epsilon, report.privacy.delta)
            print(
                "privacy: \(Output.guarantee(charged: charged, seeded: report.privacy.seeded)); "
                    + String(
                        format: "dataset '%@' has spent epsilon %.4g of %.4g", report.privacy.ledger.dataset,
                        report.privacy.ledger.spent.epsilon, report.privacy.ledger.totalEpsilon))
            if report.utility != nil || report.audit != nil {
                print("utility and attacks below: \(RealDataNotice.text)")
            }
            if let utility = report.utility {
                print(
                    String(
                        format: "utility: 2-way TVD %.3f, 3-way TVD %.3f", utility.meanTwoWayTVD,
                        utility.meanThreeWayTVD)
                        + utility.classifiers.map {
                            String(format: "; %@ TSTR AUC %.3f (real %.3f)", $0.classifier, $0.syntheticAUC, $0.realAUC)
                        }.joined())
            }
            if let audit = report.audit {
                print(
                    "attacks (advisory, not part of the decision): \(audit.decision.rawValue) "
                        + "(\(audit.findings.filter(\.passed).count) of \(audit.findings.count) checks passed)"
                )
            }
            for reason in report.decision.reasons { print("  reason: \(Output.oneLine(reason))") }
            print("synthetic data: \(report.decision.syntheticPath)")
            let signature =
                outcome.signed ? "signed: each report file's .sig" : "UNSIGNED: add signing_key to the config"
            print("report: \(outcome.htmlPath) (\(signature)); confidential: it holds figures computed on real data")
            print("public report: \(outcome.publicHTMLPath) and \(outcome.publicReportPath) (DP figures only)")
            if report.decision.outcome != .release { throw ExitCode(3) }
        }
    }
}
