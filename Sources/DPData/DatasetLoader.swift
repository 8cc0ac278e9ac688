import Foundation

/// Reads a CSV file into an `EncodedDataset` through a schema.
///
/// Values outside the declared domain are an error naming file, line and column, or are clamped
/// when the schema asks; rows are never dropped silently.
public enum DatasetLoader {
    public struct Options: Sendable {
        public var hasHeader: Bool
        public var delimiter: UInt8

        public init(hasHeader: Bool = true, delimiter: UInt8 = UInt8(ascii: ",")) {
            self.hasHeader = hasHeader
            self.delimiter = delimiter
        }
    }

    /// `observer` sees every byte and record read from the file.
    public static func load(
        csv path: String, schema: Schema, options: Options = Options(), observer: ReadObserver? = nil
    ) throws -> EncodedDataset {
        let codecs = schema.columns.map(ColumnCodec.init)
        let encodedPositions = schema.columns.indices.filter { schema.columns[$0].kind != .identifier }
        var fieldOfColumn: [Int]? = options.hasHeader ? nil : Array(schema.columns.indices)
        // Row-major codes while reading (one append per field), transposed at the end.
        var flat: [UInt16] = []
        var sawHeader = !options.hasHeader
        var expectedFields = schema.columns.count
        var fields: [Int] = fieldOfColumn.map { mapping in encodedPositions.map { mapping[$0] } } ?? []
        let slotCodecs = encodedPositions.map { codecs[$0] }
        try CSVReader(path: path, delimiter: options.delimiter, observer: observer).forEachRecordView { line, record in
            if !sawHeader {
                let header = (0..<record.count).map(record.string)
                fieldOfColumn = try headerMapping(header, schema: schema, path: path, line: line)
                fields = encodedPositions.map { fieldOfColumn![$0] }
                expectedFields = record.count
                sawHeader = true
                return
            }
            guard record.count == expectedFields else {
                throw DataError.fieldCount(file: path, line: line, expected: expectedFields, found: record.count)
            }
            try slotCodecs.withUnsafeBufferPointer { codecs in
                for slot in 0..<codecs.count {
                    let field = fields[slot]
                    do {
                        flat.append(UInt16(truncatingIfNeeded: try codecs[slot].encode(record[field])))
                    } catch let error as ColumnCodec.Failure {
                        // The value itself is private data: the error names where it is, never what it is.
                        throw DataError(
                            file: path, line: line, column: field + 1,
                            columnName: schema.columns[encodedPositions[slot]].name,
                            problem: error.problem, hint: error.hint
                        ).inPrivateRows
                    }
                }
            }
        }
        guard sawHeader else {
            throw DataError(
                file: path, problem: "the file is empty", hint: "Give a CSV file with a header row and data rows.")
        }
        guard !flat.isEmpty else {
            throw DataError(
                file: path, problem: "the file has no data rows", hint: "Give at least one row after the header."
            ).inPrivateRows
        }
        let width = encodedPositions.count
        let rows = flat.count / width
        let codes = (0..<width).map { column in
            [UInt16](unsafeUninitializedCapacity: rows) { buffer, initialized in
                flat.withUnsafeBufferPointer { source in
                    for row in 0..<rows { buffer[row] = source[row * width + column] }
                }
                initialized = rows
            }
        }
        return EncodedDataset(schema: schema, codes: codes)
    }

    /// A header field as a column name: Unicode blanks around it trimmed, wherever a header is
    /// read (a schema proposed from a file names its columns as the loader matches them).
    public static func headerName(_ field: String) -> String { field.trimmingCharacters(in: .whitespaces) }

    static func headerMapping(_ header: [String], schema: Schema, path: String, line: Int) throws -> [Int] {
        let names = header.map(Self.headerName)
        // The header's text is not shown: a file written without its header has a row of private
        // values there. Undeclared names are refused first, so a duplicate found later is one of
        // the schema's names, and the refusal says nothing of two private values being equal.
        for (index, name) in names.enumerated() where schema.column(named: name) == nil {
            throw DataError(
                file: path, line: line, column: index + 1, problem: "a column the schema does not declare",
                hint: "Declare it in the schema ('kind: identifier' drops it), or add the header row "
                    + "if the file has none.")
        }
        var position: [String: Int] = [:]
        for (index, name) in names.enumerated() {
            if position[name] != nil {
                throw DataError(
                    file: path, line: line, column: index + 1, problem: "duplicate column name in the header",
                    hint: "Give every column a distinct name.")
            }
            position[name] = index
        }
        return try schema.columns.map { column in
            guard let index = position[column.name] else {
                // Identifiers are dropped on reading, so a table without them (synthetic rows) is fine.
                if column.kind == .identifier { return -1 }
                throw DataError(
                    file: path, line: line, value: column.name,
                    problem: "the schema's column is missing from the header",
                    hint: "Add the column to the CSV or remove it from the schema.")
            }
            return index
        }
    }
}
