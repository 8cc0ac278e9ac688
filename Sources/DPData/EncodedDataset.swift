/// A table as small integer codes, column by column: what generators and attacks read.
public struct EncodedDataset: Sendable {
    /// The schema the table was read with.
    public let schema: Schema
    /// The encoded columns, identifiers removed, in schema order.
    public let columns: [Column]
    /// The number of codes of each encoded column (its domain size).
    public let domain: [Int]
    /// codes[c][r]: the code of row r in encoded column c.
    public let codes: [[UInt16]]
    public let rowCount: Int

    public init(schema: Schema, codes: [[UInt16]]) {
        self.schema = schema
        columns = schema.encodedColumns
        domain = columns.map(\.domainSize)
        precondition(codes.count == columns.count, "one code array per encoded column")
        self.codes = codes
        rowCount = codes.first?.count ?? 0
        precondition(codes.allSatisfy { $0.count == rowCount }, "all columns have the same length")
    }

    /// The index of an encoded column by name.
    public func columnIndex(named name: String) -> Int? { columns.firstIndex { $0.name == name } }

    /// The rows at `indices`, in that order.
    public func rows(_ indices: [Int]) -> EncodedDataset {
        EncodedDataset(schema: schema, codes: codes.map { column in indices.map { column[$0] } })
    }
}

extension EncodedDataset {
    /// The index of the encoded column `name`, or an error naming the config `file`, the `key`
    /// that named it and the columns there are.
    public func column(named name: String, key: String, file: String) throws -> Int {
        guard let index = columnIndex(named: name) else {
            throw DataError(
                file: file, problem: "\(key): '\(name)' is not an encoded column of the schema",
                hint: "Use one of: \(columns.map(\.name).joined(separator: ", ")).")
        }
        return index
    }
}
