import DPRandomness
import Foundation

/// Writes an encoded table as CSV, decoding codes back to values: categories by name, numeric
/// bins as a value drawn uniformly within the bin (see `ColumnCodec`). The file appears
/// atomically.
public enum CSVWriter {
    public static func write(_ dataset: EncodedDataset, to path: String, source: RandomSource) throws {
        try AtomicFile.write(Data(render(dataset, source: source).utf8), to: path)
    }

    /// The CSV text of `dataset` with a header row.
    public static func render(_ dataset: EncodedDataset, source: RandomSource) -> String {
        let codecs = dataset.columns.map(ColumnCodec.init)
        var text = dataset.columns.map { escape($0.name) }.joined(separator: ",") + "\n"
        text.reserveCapacity(dataset.rowCount * dataset.columns.count * 8)
        for row in 0..<dataset.rowCount {
            for (index, codec) in codecs.enumerated() {
                if index > 0 { text += "," }
                text += escape(codec.decode(Int(dataset.codes[index][row]), source: source))
            }
            text += "\n"
        }
        return text
    }

    /// A field quoted when it holds a delimiter, quote, line break or edge spaces (RFC 4180).
    public static func escape(_ field: String) -> String {
        let needsQuotes =
            field.contains { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }
            || field.first == " " || field.last == " "
        return needsQuotes ? "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : field
    }
}
