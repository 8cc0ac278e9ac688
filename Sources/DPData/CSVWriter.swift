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
    /// CSV file (the header is `first`'s) at `path`: one table in memory at a time (`first` goes
    /// once written), its text written `rowsPerWrite` rows at a time, and the file appears
    /// atomically.
    public static func write(
        _ first: consuming EncodedDataset, to path: String, source: RandomSource,
        next: () throws -> EncodedDataset?
    ) throws {
        let columns = first.columns
        var pending: EncodedDataset? = consume first
        let file = StagedFiles()
        try file.add(to: path) { writer in
            writer.write(Data(header(columns).utf8))
            while let part = try pending.take() ?? next() { writeRows(of: part, source: source, into: writer.write) }
        }
        try file.commit()
    }

    /// Hands `dataset` as CSV, header included, to `sink` (a file of a `StagedFiles` set, a hash)
    /// `rowsPerWrite` rows of text at a time: the text of the whole table is never in memory.
    public static func write(_ dataset: EncodedDataset, source: RandomSource, into sink: (Data) -> Void) {
        sink(Data(header(dataset.columns).utf8))
        writeRows(of: dataset, source: source, into: sink)
    }

    /// The rows of `part`, without a header, `rowsPerWrite` at a time.
    static func writeRows(of part: EncodedDataset, source: RandomSource, into sink: (Data) -> Void) {
        let codecs = part.columns.map(ColumnCodec.init)
        for start in stride(from: 0, to: part.rowCount, by: rowsPerWrite) {
            let rows = start..<min(part.rowCount, start + rowsPerWrite)
            sink(Data(lines(of: part, rows: rows, codecs: codecs, source: source).utf8))
        }
    }

    /// The rows a streamed write renders and writes at once.
    static let rowsPerWrite = 1 << 16

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
        lines(of: dataset, rows: 0..<dataset.rowCount, codecs: dataset.columns.map(ColumnCodec.init), source: source)
    }

    /// The CSV lines of `rows` of `dataset`, decoded by `codecs` (one per column).
    static func lines(of dataset: EncodedDataset, rows: Range<Int>, codecs: [ColumnCodec], source: RandomSource)
        -> String
    {
        var text = ""
        text.reserveCapacity(rows.count * codecs.count * 8)
        for row in rows {
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
