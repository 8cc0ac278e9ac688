import DPSources
import Foundation

/// The throwaway PostgreSQL servers `make test` starts (scripts/with-postgres.sh), from
/// `DPSYNTH_TEST_POSTGRES`. Tests that need one are disabled, with `skipMessage`, when it is not
/// set (a plain `swift test`).
public enum TestPostgres {
    public static let skipMessage =
        "no PostgreSQL test server: run through 'make test' (or scripts/with-postgres.sh) to start one"

    /// The servers' URLs (without a table).
    public static let servers: [String] =
        (ProcessInfo.processInfo.environment["DPSYNTH_TEST_POSTGRES"] ?? "").split(separator: " ").map(String.init)

    public static var available: Bool { !servers.isEmpty }

    /// A new table on server `server` with `columns` (name, SQL type) holding `rows` (nil for
    /// NULL); returns its URL. Each call makes a table of its own, so tests may run in parallel.
    public static func table(
        server: Int = 0, columns: [(name: String, type: String)], rows: [[String?]], name: String? = nil
    ) throws -> String {
        let base = servers[server]
        let table = name ?? "t_" + UUID().uuidString.prefix(12).lowercased().replacingOccurrences(of: "-", with: "")
        let connection = try PostgresConnection(url: base, label: base)
        let definition = columns.map { SQLText.identifier($0.name) + " " + $0.type }.joined(separator: ", ")
        try connection.execute("CREATE TABLE public.\(SQLText.identifier(table)) (\(definition))", what: "creating")
        let perStatement = max(1, 30_000 / max(1, columns.count))
        var start = 0
        while start < rows.count {
            let chunk = rows[start..<min(rows.count, start + perStatement)]
            var values: [String?] = []
            var tuples: [String] = []
            for row in chunk {
                tuples.append(
                    "("
                        + row.indices.map { index in
                            values.append(row[index])
                            return "$\(values.count)::\(columns[index].type)"
                        }.joined(separator: ", ") + ")")
            }
            try connection.execute(
                "INSERT INTO public.\(SQLText.identifier(table)) VALUES " + tuples.joined(separator: ", "), values,
                what: "inserting")
            start += perStatement
        }
        return base + "?table=public.\(table)"
    }
}
