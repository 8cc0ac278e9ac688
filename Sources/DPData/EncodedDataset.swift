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
    /// The index of the encoded column `name` (`Schema.encodedIndex(of:key:file:)`).
    public func column(named name: String, key: String, file: String) throws -> Int {
        try schema.encodedIndex(of: name, key: key, file: file)
    }
}
