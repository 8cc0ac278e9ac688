import ArgumentParser
import DPData
import DPGenerators
import DPNeural
import DPRandomness
import DPReport
import Foundation

/// `dpsynth sample`: more rows from a saved model, at no privacy cost.
struct SampleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sample",
        abstract: "Draw synthetic rows from a model saved with --model-out (post-processing: no privacy cost, no ledger charge).")

    @Option(help: "A model file written by `dpsynth synthesize --model-out`.") var model: String
    @Option(help: "How many rows to draw.") var rows: Int
    @Option(help: "Where to write the rows (CSV, atomically).") var out: String
    @Option(help: "Seed for a reproducible test run.") var seed: UInt64?

    func validate() throws {
        try Check.positive(rows, "--rows")
    }

    func run() throws {
        try CommandFailure.reportingLibraryErrors {
            let source = seed.map(RandomSource.seeded) ?? .secure()
            if source.isSeeded { Output.note("dpsynth: \(source.label)") }
            let method = try Self.method(of: model)
            guard let kind = SynthesisMethod(rawValue: method) else {
                throw CommandFailure("\(model): a model of unknown method '\(method)'; this build reads \(SynthesisMethod.names) models")
            }
            let synthetic: EncodedDataset, seededModel: Bool
            if kind.marginal != nil {
                let fitted = try SynthesisModel.load(from: model)
                (synthetic, seededModel) = (fitted.sample(rows: rows, source: source), fitted.privacy.seeded)
            } else {
                let fitted = try NeuralModel.load(from: model)
                (synthetic, seededModel) = (fitted.sample(rows: rows, source: source), fitted.privacy.seeded)
            }
            try CSVWriter.write(synthetic, to: out, source: source)
            print("\(method): wrote \(rows) rows to \(out) (post-processing of the saved model: no privacy cost)")
            if seededModel || source.isSeeded { print("SEEDED \(seededModel ? "model" : "draw"): for testing only, not a private release") }
        }
    }

    /// The `method` a model file names, or a one-line error when the file is not a model.
    static func method(of path: String) throws -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw DataError(file: path, problem: "cannot read the model file", hint: "Check the path.")
        }
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any], let method = object["method"] as? String else {
            throw DataError(file: path, problem: "not a DPSynth model file", hint: "Give a file written by `dpsynth synthesize --model-out`.")
        }
        return method
    }
}
