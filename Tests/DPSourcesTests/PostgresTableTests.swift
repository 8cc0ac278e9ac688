import DPData
import DPSources
import DPTestSupport
import Foundation
import Testing

/// A PostgreSQL table read through a schema: the database computes the codes with the CSV
/// reader's rules, errors name table and column but never a value, and the URL's rules hold.
@Suite(.enabled(if: TestPostgres.available, Comment(rawValue: TestPostgres.skipMessage)))
struct PostgresTableTests {
    static let schema = """
        name: mixed
        columns:
          - {name: id, kind: identifier}
          - {name: colour, kind: categorical, categories: [red, "green ish", "a,b", "q\\"t"], out_of_domain: missing}
          - {name: age, kind: integer, lower: 18, upper: 90, bins: 7, out_of_domain: clamp}
          - {name: span, kind: integer, lower: -4000000000000000000, upper: 4000000000000000000, bins: 9, \
        out_of_domain: missing}
          - {name: hours, kind: integer, lower: 0, upper: 100, edges: [0, 10, 35.5, 40, 100]}
          - {name: score, kind: real, lower: -1.5, upper: 2.5, bins: 10, out_of_domain: clamp}
          - {name: weight, kind: real, lower: 0, upper: 1000, edges: [0, 0.1, 10, 999.999, 1000], \
        out_of_domain: missing}
          - {name: level, kind: coded, levels: 4, missing_values: ["", "?", "none"]}

        """

    /// Rows of text values, with the edge cases of each rule: tokens, spaces, signs, exponents,
    /// bounds and values just beside them, out-of-domain values for each policy.
    static let rows: [[String]] = [
        ["1", "red", "18", "0", "0", "-1.5", "0", "0"],
        ["2", " green ish ", "90", "-4000000000000000000", "10", "2.5", "1000", "3"],
        ["3", "a,b", "17", "4000000000000000000", "35", "0.1", "0.1", "none"],
        ["4", "q\"t", "91", "9223372036854775807", "36", "+.5", "9.99999", "?"],
        ["5", "blue", "-3", "-9223372036854775807", "39", "1e0", "10", ""],
        ["6", "", "+40", "12", "40", "2.6", "999.999", "  2 "],
        ["7", "?", "  55\t", "-1", "99", "-7E-1", "1000.5", "1"],
        ["8", "NA", "1000000000000", "0", "100", "1.2499999999", "-0.0", "0"],
        ["9", "Red", "?", "3999999999999999999", "100", "?", "?", "2"],
        ["10", "red ", "NA", "33333333333333", "0", "NA", "5e2", "3"],
        ["11", "red", "18", "0", "0", "1e-330", "-1e-301", "0"],
        ["12", "red", "18", "0", "0", "-2.4703282292062328e-324", "1e-320", "0"],
    ]

    static let header = ["id", "colour", "age", "span", "hours", "score", "weight", "level"]

    func csvCodes(_ rows: [[String]], schema: Schema) throws -> [[UInt16]] {
        let folder = try CommandRunner.temporaryDirectory()
        let path = folder.appendingPathComponent("t.csv").path
        let text =
            ([Self.header] + rows).map { $0.map(CSVWriter.escape).joined(separator: ",") }
            .joined(separator: "\n") + "\n"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return try DatasetLoader.load(csv: path, schema: schema).codes
    }

    /// Every code the database computes equals the CSV reader's for the same text, whether the
    /// table's columns are text or native types.
    @Test func theDatabaseCodesValuesAsTheCSVReaderDoes() throws {
        let schema = try SchemaLoader.parse(Self.schema)
        let expected = try csvCodes(Self.rows, schema: schema)
        let textTable = try TestPostgres.table(
            columns: Self.header.map { ($0, "text") }, rows: Self.rows.map { $0.map { $0 as String? } })
        let fromText = try DataSource(textTable, key: "--data").load(schema: schema)
        #expect(fromText.codes == expected)

        // Native types: numbers as numbers, missing values as NULL (without the last two rows,
        // whose reals underflow double precision: only text holds them).
        let typed = Self.rows.dropLast(2).map { row in
            row.enumerated().map { index, value -> String? in
                let trimmed = value.trimmingCharacters(in: .whitespaces)
                if index >= 2, ["", "?", "NA", "none"].contains(trimmed) { return nil }
                return trimmed
            }
        }
        let types = ["int8", "text", "int8", "numeric", "int4", "float8", "float8", "int2"]
        let typedTable = try TestPostgres.table(
            columns: zip(Self.header, types).map { ($0, $1) }, rows: typed)
        let fromTyped = try DataSource(typedTable, key: "--data").load(schema: schema)
        #expect(fromTyped.codes == expected.map { Array($0.dropLast(2)) })
    }

    /// Integer-typed columns take the numeric path: a missing token counts only as the exact text
    /// of an integer ("-1" and "999", not "+2" or "07"), as in the text path, and out-of-domain
    /// values follow the column's policy.
    @Test func integerColumnsGiveTheSameCodesAsText() throws {
        let schema = try SchemaLoader.parse(
            """
            name: ints
            columns:
              - {name: k, kind: coded, levels: 3, missing_values: ["", "-1", "+2", "07"]}
              - {name: n, kind: integer, lower: 0, upper: 100, bins: 4, missing_values: ["", "999"], \
            out_of_domain: missing}
              - {name: m, kind: integer, lower: 10, upper: 20, edges: [10, 12, 20], out_of_domain: clamp}

            """)
        let rows: [[String?]] = [
            ["0", "5", "10"], ["-1", "999", "25"], ["2", "150", "3"], ["1", nil, "12"], [nil, "100", "20"],
            ["2", "0", "11"],
        ]
        let folder = try CommandRunner.temporaryDirectory()
        let path = folder.appendingPathComponent("ints.csv").path
        try (["k,n,m"] + rows.map { $0.map { $0 ?? "" }.joined(separator: ",") }).joined(separator: "\n")
            .appending("\n").write(toFile: path, atomically: true, encoding: .utf8)
        let expected = try DatasetLoader.load(csv: path, schema: schema).codes
        let text = try TestPostgres.table(columns: [("k", "text"), ("n", "text"), ("m", "text")], rows: rows)
        let typed = try TestPostgres.table(columns: [("k", "int2"), ("n", "int4"), ("m", "int8")], rows: rows)
        #expect(try DataSource(text, key: "--data").load(schema: schema).codes == expected)
        #expect(try DataSource(typed, key: "--data").load(schema: schema).codes == expected)
        let counts = try PostgresCounts(
            PostgresTable(location: PostgresLocation(typed, key: "--data"), schema: schema))
        #expect(
            try counts.marginals([[0, 1]])[0].counts
                == EncodedDataset(schema: schema, codes: expected).marginal([0, 1]).counts)
        // -2^63 fits an int8 but is beyond the CSV reader's whole numbers: below the bounds to
        // both, so clamped (m) or missing (n).
        let lowest: [[String?]] = [["0", "-9223372036854775808", "-9223372036854775808"]]
        try "k,n,m\n0,-9223372036854775808,-9223372036854775808\n".write(
            toFile: path, atomically: true, encoding: .utf8)
        let lowestTable = try TestPostgres.table(
            columns: [("k", "int2"), ("n", "int8"), ("m", "int8")], rows: lowest)
        #expect(
            try DataSource(lowestTable, key: "--data").load(schema: schema).codes
                == DatasetLoader.load(csv: path, schema: schema).codes)
    }

    /// A category matches a value with the same bytes: a decomposed "e" + diaeresis is not "ë",
    /// in the CSV reader as in the database.
    @Test func categoriesMatchByteForByte() throws {
        let schema = try SchemaLoader.parse(
            "name: u\ncolumns:\n  - {name: c, kind: categorical, categories: [\"Zo\u{EB}\"], "
                + "missing: own-category, out_of_domain: missing}\n")
        let rows = [["Zo\u{EB}"], ["Zoe\u{308}"]]
        let folder = try CommandRunner.temporaryDirectory()
        let path = folder.appendingPathComponent("u.csv").path
        try ("c\n" + rows.map { $0[0] }.joined(separator: "\n") + "\n").write(
            toFile: path, atomically: true, encoding: .utf8)
        #expect(try DatasetLoader.load(csv: path, schema: schema).codes == [[0, 1]])
        let table = try TestPostgres.table(columns: [("c", "text")], rows: rows.map { $0.map { $0 as String? } })
        #expect(try DataSource(table, key: "--data").load(schema: schema).codes == [[0, 1]])
    }

    /// Codes of random values agree with the CSV reader too (seeded; 2,000 rows).
    @Test func randomValuesAgreeWithTheCSVReader() throws {
        let schema = try SchemaLoader.parse(Self.schema)
        let rows = PostgresCountsTests.randomRows(2000, seed: 7)
        let expected = try csvCodes(rows, schema: schema)
        let table = try TestPostgres.table(
            columns: Self.header.map { ($0, "text") }, rows: rows.map { $0.map { $0 as String? } })
        #expect(try DataSource(table, key: "--data").load(schema: schema).codes == expected)
    }

    /// A schema whose name holds a dot is reached by writing it in quotes in the URL: the
    /// table's rows are read, and its identity found, under that schema.
    @Test func aSchemaNamedWithADotIsReachedInQuotes() throws {
        let suffix = UUID().uuidString.prefix(8).lowercased()
        let admin = try PostgresConnection(url: TestPostgres.servers[0], label: "test")
        try admin.execute(
            """
            CREATE SCHEMA "dotted.\(suffix)"; CREATE TABLE "dotted.\(suffix)".t (c text); \
            INSERT INTO "dotted.\(suffix)".t VALUES ('b'), ('a'), ('b')
            """, what: "preparing")
        let schema = try SchemaLoader.parse("name: d\ncolumns:\n  - {name: c, kind: categorical, categories: [a, b]}\n")
        let source = try DataSource(TestPostgres.servers[0] + "?table=%22dotted.\(suffix)%22.t", key: "--data")
        #expect(try source.load(schema: schema).codes[0].sorted() == [0, 1, 1])
        #expect(try source.identity().rowSources.contains { $0.hasSuffix("/dotted.\(suffix).t") })
    }

    /// A table codes its values as a file exported from it (`COPY ... TO`) is coded: booleans and
    /// network addresses as COPY writes them (`t`, `1.2.3.4`, also through a domain), a real whose
    /// quotient underflows in bin 0, one that rounds down to the largest double clamped, and one
    /// at most 2^-1075 as zero (the text just above it is the smallest subnormal, in the next bin).
    @Test func valuesCodeAsTheirExportDoes() throws {
        let domain = "flag_" + UUID().uuidString.prefix(8).lowercased()
        let admin = try PostgresConnection(url: TestPostgres.servers[0], label: "test")
        try admin.execute("CREATE DOMAIN public.\(domain) AS boolean", what: "preparing")
        let below = "2.4703282292062327208828439643411068618252990130716238221279284125e-324"
        let above = "2.4703282292062327208828439643411068618252990130716238221279284126e-324"
        let exported = [
            ["t", "t", "1.2.3.4", "1e-30", "5e-324", "1.7976931348623158e308", below],
            ["f", "f", "10.0.0.1", "0.5", "3", "1", above],
        ]
        let header = ["f", "g", "ip", "tiny", "sub", "big", "half"]
        let table = try TestPostgres.table(
            columns: Array(
                zip(header, ["boolean", "public.\(domain)", "inet", "float8", "float8", "numeric", "numeric"])),
            rows: exported.map { $0.map { $0 as String? } })
        let schema = try SchemaLoader.parse(
            """
            name: exported
            columns:
              - {name: f, kind: categorical, categories: [t, f]}
              - {name: g, kind: categorical, categories: [t, f]}
              - {name: ip, kind: categorical, categories: [1.2.3.4, 10.0.0.1]}
              - {name: tiny, kind: real, lower: 0, upper: 1e300, bins: 4}
              - {name: sub, kind: real, lower: 0, upper: 10, bins: 5}
              - {name: big, kind: real, lower: 0, upper: 10, bins: 2, out_of_domain: clamp}
              - {name: half, kind: real, lower: -1, upper: 1, edges: [-1, 0, 5e-324, 1]}

            """)
        let path = try CommandRunner.temporaryDirectory().appendingPathComponent("t.csv").path
        try (([header] + exported).map { $0.joined(separator: ",") }.joined(separator: "\n") + "\n").write(
            toFile: path, atomically: true, encoding: .utf8)
        let expected = try DatasetLoader.load(csv: path, schema: schema).codes
        #expect(expected == [[0, 1], [0, 1], [0, 1], [0, 0], [0, 1], [1, 0], [1, 2]], "\(expected)")
        #expect(try DataSource(table, key: "--data").load(schema: schema).codes == expected)
        #expect(
            try PostgresCounts(PostgresTable(location: PostgresLocation(table, key: "--data"), schema: schema))
                .marginals([[0, 2]])[0].total == 2)
    }

    /// A refused value is named by table and column, never shown.
    @Test func aRefusedValueIsNamedByTableAndColumnNotContent() throws {
        let planted = "Zq7-PLANTED-8841"
        let schema = try SchemaLoader.parse(
            "name: s\ncolumns:\n  - {name: job, kind: categorical, categories: [a, b]}\n"
                + "  - {name: n, kind: integer, lower: 0, upper: 9, bins: 2}\n")
        let table = try TestPostgres.table(
            columns: [("job", "text"), ("n", "text")], rows: [["a", "1"], [planted, "2"], ["b", "3"]])
        do {
            _ = try DataSource(table, key: "--data").load(schema: schema)
            Issue.record("an undeclared category was read")
        } catch let error as DataError {
            let text = error.description
            #expect(text.contains(table), "\(text)")
            #expect(text.contains("'job'") && text.contains("does not declare"), "\(text)")
            #expect(!text.contains(planted))
        }
        let notNumber = try TestPostgres.table(
            columns: [("job", "text"), ("n", "text")], rows: [["a", "1"], ["b", planted]])
        do {
            _ = try DataSource(notNumber, key: "--data").load(schema: schema)
            Issue.record("a value that is not a number was read")
        } catch let error as DataError {
            #expect(error.description.contains("'n'") && !error.description.contains(planted), "\(error)")
        }
    }

    /// Numbers beyond what the database's types hold (whole numbers beyond 64 bits, reals beyond
    /// a double's range, and text longer than PostgreSQL's numeric reads: 131,072 digits before
    /// the point, 16,383 after) are coded as the CSV reader codes them, by each column's policy
    /// for a value outside its bounds, or refused by column as it refuses them.
    @Test func numbersBeyondTheDatabaseTypesCodeAsInTheCSVReader() throws {
        let schema = try SchemaLoader.parse(
            """
            name: s
            columns:
              - {name: code, kind: coded, levels: 9}
              - {name: clamped, kind: integer, lower: 0, upper: 9, bins: 2, out_of_domain: clamp}
              - {name: dropped, kind: integer, lower: 0, upper: 9, bins: 2, out_of_domain: missing}
              - {name: real, kind: real, lower: 0, upper: 9, bins: 2, out_of_domain: clamp}
              - {name: realmissing, kind: real, lower: 0, upper: 9, bins: 2, out_of_domain: missing}

            """)
        let values = [
            "3", "99999999999999999999", "-99999999999999999999", "9223372036854775808", "-9223372036854775808",
            "1e400", "-1e400", "1e-400", "5." + String(repeating: "0", count: 20_000),
            String(repeating: "0", count: 200_000) + "5", "1" + String(repeating: "0", count: 200_000),
            "-1" + String(repeating: "0", count: 200_000), "0." + String(repeating: "0", count: 20_000) + "1",
        ]
        let header = ["code", "clamped", "dropped", "real", "realmissing"]
        for value in values {
            for column in header.indices {
                var row = ["1", "1", "1", "1", "1"]
                row[column] = value
                let folder = try CommandRunner.temporaryDirectory()
                let path = folder.appendingPathComponent("t.csv").path
                try (header.joined(separator: ",") + "\n2,2,2,2,2\n" + row.joined(separator: ",") + "\n")
                    .write(toFile: path, atomically: true, encoding: .utf8)
                let table = try TestPostgres.table(
                    columns: header.map { ($0, "text") }, rows: [["2", "2", "2", "2", "2"], row])
                let what = "\(header[column]) = \(value.prefix(24))... (\(value.count) characters)"
                switch (
                    Result { try DatasetLoader.load(csv: path, schema: schema).codes },
                    Result { try DataSource(table, key: "--data").load(schema: schema).codes }
                ) {
                case (.success(let csv), .success(let database)):
                    #expect(csv == database, "\(what)")
                case (.failure, .failure(let error)):
                    #expect("\(error)".contains("'\(header[column])'"), "\(what): \(error)")
                    #expect(!"\(error)".contains(value.prefix(40)), "\(what)")
                case (let csv, let database):
                    Issue.record("\(what): CSV \(csv), database \(database)")
                }
            }
        }
    }

    @Test func aMissingColumnOrTableIsNamed() throws {
        let schema = try SchemaLoader.parse("name: s\ncolumns:\n  - {name: job, kind: categorical, categories: [a]}\n")
        let table = try TestPostgres.table(columns: [("other", "text")], rows: [["a"]])
        #expect(throws: DataError.self) { try DataSource(table, key: "--data").load(schema: schema) }
        do {
            _ = try DataSource(table, key: "--data").load(schema: schema)
        } catch let error as DataError {
            #expect(error.description.contains("'job'") && error.description.contains("no such column"), "\(error)")
        }
        // Opened for counting, the session that counts checks the columns.
        do {
            _ = try DataSource(table, key: "--data").table(schema: schema, countsOnly: true)
            Issue.record("a missing column was counted")
        } catch let error as DataError {
            #expect(error.description.contains("'job'") && error.description.contains("no such column"), "\(error)")
        }
        for name in ["public.no_such_table_here", "no_such_schema.t"] {
            let absent = TestPostgres.servers[0] + "?table=" + name
            for countsOnly in [false, true] {
                do {
                    _ = try DataSource(absent, key: "--data").table(schema: schema, countsOnly: countsOnly)
                    Issue.record("a missing table was read")
                } catch let error as DataError {
                    #expect(
                        error.description.contains(name) && error.description.contains("does not exist")
                            && !error.description.contains("\n"), "\(error)")
                }
            }
        }
    }
}

/// The URL's rules, which need no server.
@Suite struct PostgresLocationTests {
    @Test func aPasswordInTheURLIsRefused() {
        #expect(throws: DataError.self) {
            try PostgresLocation("postgresql://u:secret@localhost/db?table=t", key: "--data")
        }
        do {
            _ = try PostgresLocation("postgresql://u:secret@localhost/db?table=t", key: "--data")
        } catch let error as DataError {
            #expect(!error.description.contains("secret") && error.description.contains("PGPASSWORD"))
        } catch { Issue.record("\(error)") }
    }

    @Test func theTableIsRequiredAndQuoted() throws {
        #expect(throws: DataError.self) { try PostgresLocation("postgresql://localhost/db", key: "data") }
        let location = try PostgresLocation(
            "postgresql://me@db.example:6543/stats?table=sales.\"\"\"q\"\"\"&sslmode=require", key: "data")
        #expect(location.schema == "sales" && location.table == "\"q\"")
        #expect(location.qualifiedName == "\"sales\".\"\"\"q\"\"\"")
        #expect(location.connectionURL == "postgresql://me@db.example:6543/stats?sslmode=require")
        #expect(location.writtenIdentity == "postgresql://db.example:6543/stats/sales.\"q\"")
        let other = try PostgresLocation(
            "postgresql://you@DB.example:6543/stats?table=sales.\"\"\"q\"\"\"", key: "data")
        #expect(other.writtenIdentity == location.writtenIdentity, "the user is not part of the table's identity")
    }
}
