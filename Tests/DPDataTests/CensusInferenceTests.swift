import DPData
import DPTestSupport
import Foundation
import Testing

/// Census-style files: whole numbers written as `15400.0`, and a token such as `N` for "not
/// applicable" in a numeric column (such columns used to be proposed as identifiers).
@Suite struct CensusInferenceTests {
    static let text = """
        income,hours,state,code
        15400.0,40,N,1
        N,N,X,2.0
        2300,35,N,3
        99000.00,N,X,1
        N,60,N,2

        """

    @Test func aNumericColumnWithOneTokenIsNumericWithThatTokenMissing() throws {
        let folder = try CommandRunner.temporaryDirectory()
        let path = folder.appendingPathComponent("census.csv").path
        try Self.text.write(toFile: path, atomically: true, encoding: .utf8)
        let schema = try SchemaInference.propose(csv: path, name: "census")
        let income = try #require(schema.column(named: "income"))
        #expect(income.kind == .integer(lower: 2300, upper: 99000, binning: income.kind.binning!))
        #expect(income.missingTokens.contains("N"))
        let hours = try #require(schema.column(named: "hours"))
        #expect(hours.missingTokens.contains("N"))
        if case .integer(40 - 5, 60, _) = hours.kind {} else { Issue.record("hours: \(hours.kind)") }
        // Two tokens and no number: categorical, as before.
        #expect(schema.column(named: "state")?.kind == .categorical(["N", "X"]))
        // The proposal reads its own data back: whole numbers with a fraction of zeros are accepted.
        let yaml = folder.appendingPathComponent("census.yaml").path
        try SchemaWriter.yaml(schema).write(toFile: yaml, atomically: true, encoding: .utf8)
        let table = try DatasetLoader.load(csv: path, schema: try SchemaLoader.load(path: yaml))
        #expect(table.rowCount == 5)
    }
}

extension Column.Kind {
    var binning: Column.Binning? {
        switch self {
        case .integer(_, _, let binning), .real(_, _, let binning): return binning
        default: return nil
        }
    }
}
