import DPTestSupport
import Foundation
import Testing

@testable import DPData

/// The shipped schemas against the datasets `scripts/fetch-datasets.py` writes (skipped, with a
/// message, when the fetch has not run), and the private-pgm coded Adult in ../shared.
@Suite struct RealDatasetTests {
    static let datasets = SharedData.packageRoot.appendingPathComponent(".data/datasets")
    static var fetched: Bool {
        FileManager.default.fileExists(atPath: datasets.appendingPathComponent("PROVENANCE.json").path)
    }

    @Test(
        .enabled(
            if: fetched, "run scripts/fetch-datasets.py (make test does) to fetch Adult, COMPAS and German credit"),
        arguments: [
            ("adult/adult-train.csv", "adult", 32_561), ("adult/adult-test.csv", "adult", 16_281),
            ("compas/compas.csv", "compas", 7_214), ("german/german.csv", "german", 1_000),
        ])
    func shippedSchemasReadTheRealDatasets(file: String, schema: String, rows: Int) throws {
        let loaded = try SchemaLoader.load(
            path: SharedData.packageRoot.appendingPathComponent("Examples/schemas/\(schema).yaml").path)
        let data = try DatasetLoader.load(csv: Self.datasets.appendingPathComponent(file).path, schema: loaded)
        #expect(data.rowCount == rows)
        #expect(data.marginal([0]).total == rows)
    }

    static var sharedAdult: Bool { SharedData.url("data/adult/adult.csv") != nil }

    @Test(.enabled(if: sharedAdult, Comment(rawValue: SharedData.skipMessage)))
    func codedAdultFromSharedLoadsWithItsDomainAndCountsAllTriples() throws {
        let domainData = try Data(contentsOf: SharedData.url("data/adult/adult-domain.json")!)
        let domain = try JSONSerialization.jsonObject(with: domainData) as! [String: Int]
        let header = try String(contentsOf: SharedData.url("data/adult/adult.csv")!, encoding: .utf8)
            .prefix { $0 != "\n" }.split(separator: ",").map(String.init)
        let schema = Schema(
            name: "adult-coded",
            columns: header.map { Column(name: $0, kind: .coded(levels: domain[$0]!), missing: .error) })
        let data = try DatasetLoader.load(csv: SharedData.url("data/adult/adult.csv")!.path, schema: schema)
        #expect(data.rowCount == 48_842)
        var triples: [[Int]] = []
        for a in 0..<14 { for b in (a + 1)..<14 { for c in (b + 1)..<14 { triples.append([a, b, c]) } } }
        let marginals = data.marginals(triples)
        #expect(marginals.count == 364)
        #expect(marginals.allSatisfy { $0.total == 48_842 })
    }
}
