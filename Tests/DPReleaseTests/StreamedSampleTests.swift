import DPData
import DPGenerators
import DPLedger
import DPRandomness
import DPTestSupport
import Foundation
import Testing

@testable import DPRelease

/// Rows written as they are drawn: every row arrives, in parts of at most `rowsPerPart`, and a
/// table of one part is exactly the table `sample` draws.
@Suite struct StreamedSampleTests {
    func model() throws -> SynthesisModel {
        let source = RandomSource.seeded(1)
        let schema = Schema(
            name: "toy", columns: (0..<3).map { Column(name: "c\($0)", kind: .coded(levels: 4), missing: .error) })
        let data = EncodedDataset(
            schema: schema, codes: (0..<3).map { _ in (0..<800).map { _ in UInt16(source.uniform(below: 4)) } })
        let ledger = try BudgetLedger(
            path: try CommandRunner.temporaryDirectory().appendingPathComponent("l.sqlite").path)
        try ledger.initialise(dataset: "toy", epsilon: 1, delta: 1e-6)
        return try fitMarginal(
            .independent, data: data, epsilon: 1, delta: 1e-6, ledger: ledger, dataset: "toy", source: .seeded(2))
    }

    @Test func partsHoldEveryRowAndOnePartIsTheUsualDraw() throws {
        let model = try model()
        let folder = try CommandRunner.temporaryDirectory()
        let parts = folder.appendingPathComponent("parts.csv").path
        try SynthesisStage.write(model, rows: 1000, to: parts, streams: RunStreams(seed: 3), rowsPerPart: 300)
        let lines = try String(contentsOfFile: parts, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 1001 && lines[0] == "c0,c1,c2")
        // A seeded run's parts continue one stream: the second part is no copy of the first
        // (independent draws of 300 rows from a model of 64 cells agree with negligible probability).
        #expect(!lines[1...300].elementsEqual(lines[301...600]))
        let one = folder.appendingPathComponent("one.csv").path
        try SynthesisStage.write(model, rows: 250, to: one, streams: RunStreams(seed: 4), rowsPerPart: 300)
        let streams = RunStreams(seed: 4)
        let usual = CSVWriter.render(SynthesisStage.sample(model, rows: 250, streams: streams), source: streams.write)
        #expect(try String(contentsOfFile: one, encoding: .utf8) == usual)
    }
}
