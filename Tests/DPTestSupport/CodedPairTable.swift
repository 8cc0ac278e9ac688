import Foundation

/// A tiny two-column table (a: 3 levels, b: 2 levels) written as CSV beside its schema, for
/// command-line tests that need some data and do not care which.
public enum CodedPairTable {
    /// Writes `rows` rows to `folder`/t.csv and the schema to `folder`/t.yaml; returns both paths.
    public static func write(rows: Int, in folder: URL) throws -> (data: String, schema: String) {
        let data = folder.appendingPathComponent("t.csv").path
        try ("a,b\n" + (0..<rows).map { "\($0 % 3),\($0 % 2)" }.joined(separator: "\n") + "\n")
            .write(toFile: data, atomically: true, encoding: .utf8)
        let schema = folder.appendingPathComponent("t.yaml").path
        try "name: t\ncolumns:\n  - {name: a, kind: coded, levels: 3}\n  - {name: b, kind: coded, levels: 2}\n"
            .write(toFile: schema, atomically: true, encoding: .utf8)
        return (data, schema)
    }
}
