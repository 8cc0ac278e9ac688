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

    public static func load(csv path: String, schema: Schema, options: Options = Options()) throws -> EncodedDataset {
        let codecs = schema.columns.map(ColumnCodec.init)
        let encodedPositions = schema.columns.indices.filter { schema.columns[$0].kind != .identifier }
        var fieldOfColumn: [Int]? = options.hasHeader ? nil : Array(schema.columns.indices)
        var codes = [[UInt16]](repeating: [], count: encodedPositions.count)
        var sawHeader = !options.hasHeader
        var expectedFields = schema.columns.count
        try CSVReader(path: path, delimiter: options.delimiter).forEachRecord { line, fields in
            if !sawHeader {
                fieldOfColumn = try headerMapping(fields, schema: schema, path: path, line: line)
                expectedFields = fields.count
                sawHeader = true
                return
            }
            guard fields.count == expectedFields else {
                throw DataError(file: path, line: line, problem: "expected \(expectedFields) fields, found \(fields.count)",
                                hint: "Every row needs one value per column; quote values that contain the delimiter.")
            }
            for (slot, position) in encodedPositions.enumerated() {
                let fieldIndex = fieldOfColumn![position]
                do {
                    codes[slot].append(UInt16(try codecs[position].encode(fields[fieldIndex])))
                } catch let error as ColumnCodec.Failure {
                    throw DataError(file: path, line: line, column: fieldIndex + 1, columnName: schema.columns[position].name,
                                    value: fields[fieldIndex], problem: error.problem, hint: error.hint)
                }
            }
        }
        guard sawHeader else {
            throw DataError(file: path, problem: "the file is empty", hint: "Give a CSV file with a header row and data rows.")
        }
        guard !(codes.first?.isEmpty ?? true) else {
            throw DataError(file: path, problem: "the file has no data rows", hint: "Give at least one row after the header.")
        }
        return EncodedDataset(schema: schema, codes: codes)
    }

    static func headerMapping(_ header: [String], schema: Schema, path: String, line: Int) throws -> [Int] {
        let names = header.map { $0.trimmingCharacters(in: .whitespaces) }
        var position: [String: Int] = [:]
        for (index, name) in names.enumerated() {
            if position[name] != nil {
                throw DataError(file: path, line: line, column: index + 1, value: name, problem: "duplicate column name in the header",
                                hint: "Give every column a distinct name.")
            }
            position[name] = index
        }
        for (index, name) in names.enumerated() where schema.column(named: name) == nil {
            throw DataError(file: path, line: line, column: index + 1, value: name, problem: "a column the schema does not declare",
                            hint: "Declare it in the schema ('kind: identifier' drops it).")
        }
        return try schema.columns.map { column in
            guard let index = position[column.name] else {
                throw DataError(file: path, line: line, value: column.name, problem: "the schema's column is missing from the header",
                                hint: "Add the column to the CSV or remove it from the schema.")
            }
            return index
        }
    }
}
