import DPData
import Foundation

/// The coded Adult of ../shared/data/adult and the workload error the issues measure.
public enum SharedAdult {
    public static var available: Bool { SharedData.url("data/adult/adult.csv") != nil }

    /// The whole coded Adult (48,842 rows).
    public static func allRows() throws -> EncodedDataset {
        let folder = SharedData.url("data/adult")!
        let domain =
            try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("adult-domain.json")))
            as! [String: Int]
        let csv = folder.appendingPathComponent("adult.csv").path
        let header = try String(contentsOfFile: csv, encoding: .utf8).prefix { $0 != "\n" }.split(separator: ",").map(
            String.init)
        let schema = Schema(
            name: "adult", columns: header.map { Column(name: $0, kind: .coded(levels: domain[$0]!), missing: .error) })
        return try DatasetLoader.load(csv: csv, schema: schema)
    }

    /// The first 39,074 rows (80%) of the coded Adult.
    public static func trainingRows() throws -> EncodedDataset {
        try allRows().rows(Array(0..<39_074))
    }

    /// The training rows and the remaining 20% as a holdout the generator never sees.
    public static func trainingAndHoldout() throws -> (train: EncodedDataset, holdout: EncodedDataset) {
        let all = try allRows()
        return (all.rows(Array(0..<39_074)), all.rows(Array(39_074..<all.rowCount)))
    }

    /// The mean total variation distance over all 3-way marginals.
    public static func threeWayTVD(_ real: EncodedDataset, _ synthetic: EncodedDataset) -> Double {
        let columns = real.columns.count
        var triples: [[Int]] = []
        for a in 0..<columns {
            for b in (a + 1)..<columns { for c in (b + 1)..<columns { triples.append([a, b, c]) } }
        }
        let (n, m) = (Double(real.rowCount), Double(synthetic.rowCount))
        return zip(real.marginals(triples), synthetic.marginals(triples)).reduce(0.0) { sum, pair in
            sum + zip(pair.0, pair.1).reduce(0.0) { $0 + abs(Double($1.0) / n - Double($1.1) / m) } / 2
        } / Double(triples.count)
    }
}
