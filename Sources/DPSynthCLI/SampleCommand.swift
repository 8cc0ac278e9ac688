import ArgumentParser
import DPData
import DPRandomness
import DPRelease
import DPSynthesis
import Foundation

/// `dpsynth sample`: more rows from a saved model, at no privacy cost.
struct SampleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sample",
        abstract:
            "Draw synthetic rows from a model saved with --model-out (post-processing: no privacy cost, "
            + "no ledger charge).")

    @Option(help: "A model file written by `dpsynth synthesize --model-out`.") var model: String
    // `.unconditional`: a negative number is read as the value (and refused by range), not as an option.
    @Option(parsing: .unconditional, help: "How many rows to draw.") var rows: Int
    @Option(help: "Where to write the rows (CSV, atomically).") var out: String
    @Option(parsing: .unconditional, help: "Seed for a reproducible test run.") var seed: UInt64?

    func validate() throws {
        try Check.rowCount(rows, "--rows")
    }

    func run() throws {
        try CommandFailure.reportingLibraryErrors {
            try OutputPaths.refuseOverlap(outputs: [("--out", out)], inputs: [("--model", model)])
            try OutputPaths.refuseUnwritable([("--out", out)])
            let streams = RunStreams(seed: seed)
            if streams.isSeeded { Output.note("dpsynth: \(streams.root.label)") }
            // Held as an optional that the write takes, so the model goes while rows are drawn.
            var fitted: (any FittedModel)? = try GeneratorRegistry.standard.loadModel(path: model)
            let (method, seededModel) = (fitted!.method, fitted!.privacy.seeded)
            try SynthesisStage.write(fitted.take()!, rows: rows, to: out, streams: streams) { Output.progress($0) }
            Output.progress(nil)
            print("\(method): wrote \(rows) rows to \(out) (post-processing of the saved model: no privacy cost)")
            if seededModel || streams.isSeeded {
                print("SEEDED \(seededModel ? "model" : "draw"): for testing only, not a private release")
            }
        }
    }
}
