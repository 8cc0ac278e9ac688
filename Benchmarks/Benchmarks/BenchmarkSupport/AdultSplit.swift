import DPData
import DPRandomness
import Foundation

/// The coded Adult of ../shared/data/adult split as ../shared/reference/README.md does: the first
/// 80% of a seeded shuffle for training, the rest as the holdout.
public struct AdultSplit {
    public let train: EncodedDataset
    public let holdout: EncodedDataset

    public init(shared folder: URL) throws {
        let all = try Self.loadCoded(folder: folder)
        let source = RandomSource.seeded(0)
        var order = Array(0..<all.rowCount)
        for index in stride(from: order.count - 1, to: 0, by: -1) {
            order.swapAt(index, Int(source.uniform(below: UInt64(index + 1))))
        }
        let cut = all.rowCount * 4 / 5
        train = all.rows(Array(order[..<cut]))
        holdout = all.rows(Array(order[cut...]))
    }

    /// The whole coded Adult in `folder` (adult.csv with its adult-domain.json), unsplit.
    public static func loadCoded(folder: URL) throws -> EncodedDataset {
        let csv = folder.appendingPathComponent("adult.csv").path
        let domain =
            try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("adult-domain.json")))
            as! [String: Int]
        let header = try String(contentsOfFile: csv, encoding: .utf8).prefix { $0 != "\n" }.split(separator: ",").map(
            String.init)
        let schema = Schema(
            name: "adult", columns: header.map { Column(name: $0, kind: .coded(levels: domain[$0]!), missing: .error) })
        return try DatasetLoader.load(csv: csv, schema: schema)
    }

    /// ../shared beside the checkout that holds this benchmark package, if present; when it is
    /// not, says so on standard error, so the Adult benchmarks are never skipped silently.
    public static func fromSharedFolder(file: String = #filePath) -> AdultSplit? {
        let root = URL(fileURLWithPath: file).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        let folder = root.deletingLastPathComponent().appendingPathComponent("shared/data/adult")
        do {
            return try AdultSplit(shared: folder)
        } catch {
            FileHandle.standardError.write(Data("skipping the Adult benchmarks: cannot read \(folder.path)\n".utf8))
            return nil
        }
    }
}
