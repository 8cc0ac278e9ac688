import DPRandomness
import Foundation

/// Writes an encoded table as CSV, decoding codes back to values: categories by name, numeric
/// bins as a value drawn uniformly within the bin (see `ColumnCodec`). The file appears
/// atomically.
public enum CSVWriter {
    public static func write(_ dataset: EncodedDataset, to path: String, source: RandomSource) throws {
        try AtomicFile.write(Data(render(dataset, source: source).utf8), to: path)
    }

    /// Writes the tables `first` and then every one `next` returns until it returns nil, as one
    /// CSV file (the header is `first`'s) at `path`: one table in memory at a time, and the file
    /// appears atomically.
    public static func write(
        _ first: EncodedDataset, to path: String, source: RandomSource, next: () throws -> EncodedDataset?
    ) throws {
        let file = StagedFiles()
        try file.add(to: path) { writer in
            writer.write(header(first.columns))
            writer.write(rows(of: first, source: source))
            while let part = try next() { writer.write(rows(of: part, source: source)) }
        }
        try file.commit()
    }

    /// The CSV text of `dataset` with a header row.
    public static func render(_ dataset: EncodedDataset, source: RandomSource) -> String {
        header(dataset.columns) + rows(of: dataset, source: source)
    }

    /// The header row.
    static func header(_ columns: [Column]) -> String {
        columns.map { escape($0.name) }.joined(separator: ",") + "\n"
    }

    /// The CSV lines of `dataset`'s rows, without a header.
    static func rows(of dataset: EncodedDataset, source: RandomSource) -> String {
        let codecs = dataset.columns.map(ColumnCodec.init)
        var text = ""
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
