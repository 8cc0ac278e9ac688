import DPData
import Foundation

/// The public benchmark tables drawn by Benchmarks/tables/bayesian_network.py from a random
/// Bayesian network of in-degree 2 with a fixed seed (`make bench` writes them under
/// .data/bench-tables first): a census-like table of 24 columns and 30,000 rows, and wide tables
/// of 50 and 100 columns and 100,000 rows.
public enum NetworkTables {
    public static let census = "census24"
    public static let wide50 = "wide50"
    public static let wide100 = "wide100"

    /// The table named `name`, or nil when it has not been written.
    public static func load(_ name: String, file: String = #filePath) -> EncodedDataset? {
        let root = URL(fileURLWithPath: file).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        let folder = root.appendingPathComponent(".data/bench-tables")
        guard let schema = try? SchemaLoader.load(path: folder.appendingPathComponent(name + ".yaml").path) else {
            return nil
        }
        return try? DatasetLoader.load(csv: folder.appendingPathComponent(name + ".csv").path, schema: schema)
    }
}
